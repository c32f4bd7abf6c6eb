import datetime as dt
import secrets
import zoneinfo
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import dateformat, timezone

from accounts.models import ClientRecordQuerySet, track_client_records
from lessons.models import MAX_WEEKS, Lesson, Program

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PRACTICE_DAYS_DEFAULT = 0b0010101  # Monday, Wednesday, Friday


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class EnrollmentQuerySet(ClientRecordQuerySet):
    def with_schedule(self):
        """With what the unlock rule reads besides the row: the user and the pauses."""
        return self.select_related("user", "program").prefetch_related("pauses")

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
    # The client's practice plan: days (bit 0 Monday … bit 6 Sunday) and time, on their clock.
    practice_days = models.PositiveSmallIntegerField(default=PRACTICE_DAYS_DEFAULT)
    practice_time = models.TimeField(default=dt.time(7, 30))
    # The last local day a practice reminder was queued for: the sweep's bookmark.
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    # The private calendar feed's address; a new one makes the old address stop working.
    calendar_token = models.CharField(max_length=43, unique=True, default=new_calendar_token)
    new_weeks_held_from = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Weeks that would open after this moment stay closed until it is cleared "
        "(a payment plan behind after its grace period). Weeks already open stay open.",
    )

    client_path = "user"
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

    @cached_property
    def schedule_pauses(self) -> list["Pause"]:
        """Pauses and repeated weeks, oldest first. Busy pages prefetch them (`with_schedule`)."""
        if self.pk is None:  # staff preview: an enrollment that is never saved
            return []
        return sorted(self.pauses.all(), key=lambda pause: (pause.starts_on, pause.pk))

    def opening_hour(self, number: int) -> dt.time:
        return dt.time(0) if number <= 1 else dt.time(self.program.unlock_hour)

    def opening_day(self, number: int) -> dt.date:
        """The local day week `number` opens: interval × (N − 1) days after the start, moved on
        by each pause or repeated week that began before the week opened. A pause never closes
        a week already open: one made in the evening of an opening day moves the next week."""
        day = self.starts_on + dt.timedelta(days=self.program.unlock_interval_days * (number - 1))
        hour = self.opening_hour(number)
        for pause in self.schedule_pauses:
            if pause.began(self.zone) < dt.datetime.combine(day, hour, tzinfo=self.zone):
                day += dt.timedelta(days=pause.length)
        return day

    def week_opens_at(self, number: int) -> dt.datetime:
        """The instant week `number` opens, on the client's own wall clock (DST shifts nothing).

        Week 1 opens as the start day begins, so a client who pays at 1 a.m. can start at once;
        week N opens at the program's unlock hour on its `opening_day`. Changing time zone never
        brings a week forward from the moment the client had been shown before the change (see
        `User.earlier_time_zones`): a zone far east opens nothing early.
        """
        number = max(number, 1)
        hour = self.opening_hour(number)
        day = self.opening_day(number)
        opens = dt.datetime.combine(day, hour, tzinfo=self.zone)
        for zone, changed_at in self.user.earlier_time_zones_in_force():
            shown = dt.datetime.combine(day, hour, tzinfo=zone)
            if shown > opens and shown > changed_at:
                opens = shown.astimezone(self.zone)
        return opens

    def open_week_limit(self, at: dt.datetime | None = None) -> int:
        """The number of the last week open at instant `at` (0 before the start day).

        Weeks open in order, so "week N is open" is exactly "N <= this number". This is the one
        unlock rule: pages, querysets, emails, PDF downloads and the calendar all ask it. The
        instructor's "unlock everything" wins over any pause or hold; a hold stops the clock
        at its moment, and clearing it opens at once every week due since.
        """
        if self.unlocked_all:
            return MAX_WEEKS
        at = at or timezone.now()
        if self.new_weeks_held_from is not None:
            at = min(at, self.new_weeks_held_from)
        return self.scheduled_week(at)

    def weeks_held(self, at: dt.datetime | None = None) -> bool:
        """Whether a week that is due by now stays closed because of the hold."""
        at = at or timezone.now()
        return self.new_weeks_held_from is not None and self.open_week_limit(at) < (
            self.scheduled_week(at)
        )

    def scheduled_week(self, at: dt.datetime | None = None) -> int:
        """The last week the schedule (pauses and repeats included) has opened at `at`, whether
        or not everything was unlocked. (The journal places many moments at once by bisecting
        the same `week_opens_at` instants.)"""
        at = at or timezone.now()
        week = 0
        while week < MAX_WEEKS and self.week_opens_at(week + 1) <= at:
            week += 1
        return week

    @property
    def practice_weekdays(self) -> list[int]:
        return [day for day in range(7) if self.practice_days & (1 << day)]

    @property
    def practice_plan(self) -> str:
        """ "Monday, Wednesday and Friday at 7:30 a.m." """
        names = [WEEKDAYS[day] for day in self.practice_weekdays]
        days = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        return f"{days} at {dateformat.time_format(self.practice_time, 'g:i a')}"

    def finished_at(self, week_count: int) -> dt.datetime:
        """When the program is over: a week after its last week opened."""
        return self.week_opens_at(week_count + 1)

    def planned_pause(self, today: dt.date) -> "Pause | None":
        """A pause the client planned for later, still to come."""
        return next(
            (
                p
                for p in self.schedule_pauses
                if p.kind == Pause.Kind.PAUSE and p.starts_on > today and p.length > 0
            ),
            None,
        )

    def pause_at(self, at: dt.datetime | None = None) -> "Pause | None":
        """The pause the client is in at instant `at`, if any (a repeated week is not one: the
        client practises it)."""
        today = (at or timezone.now()).astimezone(self.zone).date()
        return next(
            (p for p in self.schedule_pauses if p.kind == Pause.Kind.PAUSE and p.covers(today)),
            None,
        )

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

    client_path = "user"
    objects = ClientRecordQuerySet.as_manager()

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

    client_path = "user"
    objects = ClientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self):
        return f"{self.user} about {self.lesson_title}"


class Pause(models.Model):
    """A pause of the program (a holiday, a flare-up) or a repeated week: the weeks not yet open
    then open `days` later. Kept as history: who, when and why."""

    class Kind(models.TextChoices):
        PAUSE = "pause", "Pause"
        REPEAT = "repeat", "Repeat a week"

    CLIENT_MAX_DAYS = 28
    CLIENT_MAX_PAUSES = 2
    MAX_REPEATS = 2
    # A week may be repeated in its last day: from this long before the next one opens.
    REPEAT_WINDOW = dt.timedelta(days=1)

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=8, choices=Kind, default=Kind.PAUSE)
    starts_on = models.DateField(help_text="The first day of the pause, on the client's calendar.")
    days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="How many days the weeks not yet open move later.",
    )
    ended_on = models.DateField(
        "resumed early on",
        null=True,
        blank=True,
        help_text="Set when the client comes back early: later weeks move back accordingly.",
    )
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    client_path = "enrollment__user"
    objects = ClientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.length} days from {self.starts_on}"

    @property
    def length(self) -> int:
        """Days the pause lasts: as planned, or until the client resumed."""
        if self.ended_on is not None:
            return max(min((self.ended_on - self.starts_on).days, self.days), 0)
        return self.days

    @property
    def ends_on(self) -> dt.date:
        """The first day after the pause."""
        return self.starts_on + dt.timedelta(days=self.length)

    @property
    def last_day(self) -> dt.date:
        return self.ends_on - dt.timedelta(days=1)

    def began(self, zone) -> dt.datetime:
        """When the pause took hold: its first day, or when it was made if that was later."""
        first_day = dt.datetime.combine(self.starts_on, dt.time(0), tzinfo=zone)
        return max(first_day, self.created_at) if self.created_at else first_day

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day < self.ends_on

    def clean(self):
        if self.ended_on is not None and not (
            self.starts_on <= self.ended_on <= self.starts_on + dt.timedelta(days=self.days)
        ):
            raise ValidationError(
                {"ended_on": "The resume day must fall within the pause, from its first day."}
            )


track_client_records(Enrollment, Completion, Question, Pause)
