import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import models
from django.utils import timezone

from lessons.models import MAX_WEEKS, Lesson, Program


class EnrollmentQuerySet(models.QuerySet):
    def with_access(self):
        return self.filter(status=Enrollment.Status.ACTIVE)

    def current(self):
        """Enrollments that still count: at most one per user and program."""
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


class Completion(models.Model):
    """A client marked a class done."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions"
    )
    # A client's record outlives any edit of the content: a class that has one is archived.
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_completion_per_lesson"),
        ]

    def __str__(self):
        return f"{self.user} finished {self.lesson}"


class Notice(models.Model):
    """How far a client has been told about their program: one row per (enrollment, week), sent
    through the outbox as `email`.

    `week` is the last week the email tells about, so the highest `week` of an enrollment's notices
    is how far the client has been told. Week 1 is the welcome; one past the program's last week is
    the "program complete" email; a summary covers every week up to its `week`.
    """

    class Kind(models.TextChoices):
        WELCOME = "welcome", "Welcome"
        WEEK = "week", "Week is open"
        SUMMARY = "summary", "Several weeks are open"
        COMPLETE = "complete", "Program complete"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="notices")
    week = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind)
    email = models.OneToOneField("outbox.Email", on_delete=models.PROTECT, related_name="notice")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "week"], name="one_notice_per_week"),
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


class Question(models.Model):
    """A client's question about a class, emailed to the instructor (she replies by email) and
    kept here. What a client writes about their body is health data: staff and the client only,
    never in URLs or logs."""

    MAX_LENGTH = 2000

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questions"
    )
    # Kept if the class goes: the title says what the question was about.
    lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    lesson_title = models.CharField("class", max_length=120)
    message = models.TextField(max_length=MAX_LENGTH)
    replied = models.BooleanField(
        default=False, help_text="Tick once you have answered, to keep track of what is open."
    )
    created_at = models.DateTimeField(default=timezone.now)
    email = models.OneToOneField(
        "outbox.Email", on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self):
        return f"{self.user} about {self.lesson_title}"
