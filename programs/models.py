import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

# A program is at most a year of weekly unlocks; "unlock everything" opens this many weeks.
MAX_WEEKS = 52


class ProgramQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Program(models.Model):
    title = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    tagline = models.CharField(max_length=200, blank=True)
    description = models.TextField(
        blank=True, help_text="Markdown. The main text of the sales page."
    )
    audience = models.TextField(
        "who it is for", blank=True, help_text="Markdown. One bullet per kind of person."
    )
    instructor_name = models.CharField(max_length=120)
    instructor_bio = models.TextField(blank=True, help_text="Markdown.")
    price_amount = models.PositiveIntegerField(
        help_text="In the smallest unit of the currency: 14900 is $149.00."
    )
    currency = models.CharField(max_length=3, default="usd")
    unlock_interval_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    unlock_hour = models.PositiveSmallIntegerField(
        default=6,
        validators=[MaxValueValidator(23)],
        help_text="Hour of the day (0-23) a new week opens, in each client's own time zone.",
    )
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programs:sales")

    @classmethod
    def current(cls):
        """The program this site sells. The site runs one program; the data model allows more."""
        return cls.objects.published().first()

    @classmethod
    def current_or_404(cls):
        program = cls.current()
        if program is None:
            raise Http404("No program is published yet.")
        return program

    @property
    def price_display(self) -> str:
        symbol = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$"}.get(
            self.currency.lower(), self.currency.upper() + " "
        )
        units, cents = divmod(self.price_amount, 100)
        return f"{symbol}{units}" if not cents else f"{symbol}{units}.{cents:02d}"


class Week(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="weeks")
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WEEKS)]
    )
    title = models.CharField(max_length=120)
    summary = models.TextField(blank=True, help_text="Markdown. Shown at the top of the week.")

    class Meta:
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="unique_week_number"),
        ]

    def __str__(self):
        return f"Week {self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("programs:week", args=[self.number])


class EnrollmentQuerySet(models.QuerySet):
    def with_access(self):
        return self.filter(status=Enrollment.Status.ACTIVE)

    def current(self):
        """Enrolments that still count: at most one per user and program."""
        return self.exclude(status=Enrollment.Status.REVOKED)


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended (payment disputed)"
        REVOKED = "revoked", "Revoked"

    class Source(models.TextChoices):
        PURCHASE = "purchase", "Purchase"
        COMP = "comp", "Complimentary"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    starts_on = models.DateField(
        help_text="Week 1 opens this day; each later week opens a fixed number of days after."
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.ACTIVE)
    source = models.CharField(max_length=16, choices=Source, default=Source.PURCHASE)
    unlocked_all = models.BooleanField(
        "everything unlocked", default=False, help_text="Open every week now, whatever the date."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program"],
                condition=~models.Q(status="revoked"),
                name="one_current_enrollment_per_program",
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.program}"

    @property
    def has_access(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return self.user.zone

    def week_opens_at(self, number: int) -> dt.datetime:
        """The instant week `number` opens, on the client's own wall clock (DST shifts nothing).

        Week 1 opens as the start day begins, so a client who pays at 1 a.m. can start at once;
        week N opens interval × (N − 1) days later at the program's unlock hour.
        """
        if number <= 1:
            return dt.datetime.combine(self.starts_on, dt.time(0), tzinfo=self.zone)
        days = self.program.unlock_interval_days * (number - 1)
        local_day = self.starts_on + dt.timedelta(days=days)
        return dt.datetime.combine(local_day, dt.time(self.program.unlock_hour), tzinfo=self.zone)

    def open_week_limit(self, at: dt.datetime | None = None) -> int:
        """The number of the last week open at instant `at` (0 before the start day).

        Weeks open in order, so "week N is open" is exactly "N <= this number". This is the one
        unlock rule: pages, querysets, emails and PDF downloads all ask it.
        """
        if self.unlocked_all:
            return MAX_WEEKS
        local = (at or timezone.now()).astimezone(self.zone)
        days = (local.date() - self.starts_on).days
        if days < 0:
            return 0
        if local.time() < dt.time(self.program.unlock_hour):
            days -= 1
        return min(max(days // self.program.unlock_interval_days + 1, 1), MAX_WEEKS)

    def is_week_open(self, number: int, at: dt.datetime | None = None) -> bool:
        return number <= self.open_week_limit(at)


class NoticeQuerySet(models.QuerySet):
    def stale(self, before: dt.datetime):
        """Notices whose send task has not finished by `before`: the message was lost or the worker
        died while sending. The sweep enqueues them again."""
        return self.filter(
            state__in=[Notice.State.PENDING, Notice.State.SENDING], updated_at__lt=before
        )


class Notice(models.Model):
    """One email telling a client about week `week` of their enrolment: created once (the unique
    constraint), then claimed and sent once by a task.

    `week` is the last week the email tells about, so the highest `week` of an enrolment's notices
    is how far the client has been told. Week 1 is the welcome; one past the program's last week is
    the "program complete" email; a summary covers every week up to its `week`.
    """

    class Kind(models.TextChoices):
        WELCOME = "welcome", "Welcome"
        WEEK = "week", "Week is open"
        SUMMARY = "summary", "Several weeks are open"
        COMPLETE = "complete", "Program complete"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not sent (unsubscribed, no access, or no such week)"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="notices")
    week = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind)
    state = models.CharField(max_length=16, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set by every state change (they are conditional updates, so auto_now would not fire).
    updated_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "week"], name="one_notice_per_week"),
        ]
        indexes = [
            models.Index(
                fields=["updated_at"],
                condition=models.Q(state__in=["pending", "sending"]),
                name="notice_unfinished",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} (week {self.week}) for {self.enrollment.user}"

    @property
    def should_send(self) -> bool:
        """Checked again at send time: access or consent may have gone since the sweep.

        The welcome comes with buying, like a receipt, so it does not ask for consent.
        """
        if not self.enrollment.has_access:
            return False
        return self.kind == self.Kind.WELCOME or self.enrollment.user.wants_program_emails
