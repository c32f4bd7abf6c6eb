import datetime as dt

from django.db import models

# Email.State's pending and sending, named before the class so its Meta can use them.
UNFINISHED = ["pending", "sending"]


class EmailQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(state__in=UNFINISHED)

    def overdue(self, at: dt.datetime):
        """Unfinished emails whose next step is late: a retry whose wait is over, a send task the
        queue lost, or a worker that died while sending. The outbox sweep takes them up again."""
        return self.unfinished().filter(due_at__lte=at)


class Email(models.Model):
    """One email to one person for one reason, sent at most once.

    `key` names the reason ("unlock:12:3", week 3 for enrollment 12), so recording the same email
    twice records it once. Sending claims the row (pending → sending) with a conditional update:
    a send task that runs twice sends once.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not sent: no longer wanted"
        FAILED = "failed", "Gave up"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    to = models.CharField("to", max_length=254, blank=True)
    # The whole message, for emails written in the request (allauth's account emails). It can
    # hold a sign-in code or link, so it is emptied once the email is finished.
    payload = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    # Every change is a conditional update, so auto_now would not fire: each one sets these.
    updated_at = models.DateTimeField()
    due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the sweep takes an unfinished email up again if nothing else has; "
        "empty once the email is finished.",
    )
    expires_at = models.DateTimeField(
        help_text="After this the email is no use to its reader; it is given up, visibly."
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "email"
        # The sweep's index holds only unfinished emails, and is defined by due_at rather than
        # by state so that no claim (state = pending) can use it: vacuum sees this index nearly
        # empty, and a planner trusting that would scan every pending email for each claim.
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(due_at__isnull=False),
                name="email_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=UNFINISHED, due_at__isnull=False)
                | (~models.Q(state__in=UNFINISHED) & models.Q(due_at__isnull=True)),
                name="email_due_until_finished",
            ),
        ]

    def __str__(self):
        return f"{self.kind} to {self.to or '…'}"

    @property
    def is_finished(self) -> bool:
        return self.state not in UNFINISHED
