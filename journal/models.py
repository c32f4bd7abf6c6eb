"""The practice journal: what a client records about their hip, for them and the instructor.

All of it is health data. Only the client and staff read it (see `access`), never in URLs, logs
or emails.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import ClientRecordQuerySet, track_client_records
from lessons.models import Lesson, new_content_version

PAIN_SCALE = [MinValueValidator(0), MaxValueValidator(10)]


class Practice(models.Model):
    """One practice of a class, with the optional check-in after it. A class may be practised
    many times; "done" (programs.Completion) still says it was done once."""

    class Effort(models.TextChoices):
        TOO_EASY = "too_easy", "Too easy"
        ABOUT_RIGHT = "about_right", "About right"
        TOO_HARD = "too_hard", "Too hard"

    NOTE_LENGTH = 500

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practices"
    )
    # A client's record outlives the content: a class someone practised is archived, not deleted.
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="practices")
    practised_at = models.DateTimeField(default=timezone.now)
    pain = models.PositiveSmallIntegerField(
        "pain right now", null=True, blank=True, validators=PAIN_SCALE
    )
    effort = models.CharField("the session felt", max_length=16, choices=Effort, blank=True)
    note = models.TextField(max_length=NOTE_LENGTH, blank=True)

    client_path = "user"
    objects = ClientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-practised_at"]
        indexes = [models.Index(fields=["user", "practised_at"])]

    def __str__(self):
        return f"{self.user} practised {self.lesson}"


class Measure(models.Model):
    """An outcome measure described in data (name, version, citation, scale), so another one can
    be added in a data migration, without migrating anyone's answers."""

    key = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    version = models.CharField(max_length=120)
    citation = models.TextField(blank=True)
    question = models.CharField(max_length=240)
    scale_min = models.SmallIntegerField()
    scale_max = models.SmallIntegerField()
    min_label = models.CharField(max_length=80)
    max_label = models.CharField(max_length=80)
    # PSFS: the client names the items (activities) and rates each; others have one answer.
    client_items = models.PositiveSmallIntegerField(
        default=0, help_text="How many items the client names, or 0 for a single answer."
    )
    # Which progress checks ask it (weeks of the program; 0 is before week 1).
    asked_at_weeks = models.JSONField(default=list)
    # Words for some or all points of the scale, e.g. {"-3": "Very much worse"}.
    labels = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} ({self.version})"


class ProgressCheck(models.Model):
    """The progress check at the start (week 0), at week 4 and at week 8."""

    WEEKS = (0, 4, 8)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_checks"
    )
    week = models.PositiveSmallIntegerField()
    taken_at = models.DateTimeField(default=timezone.now)

    client_path = "user"
    objects = ClientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["week"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="one_check_per_week"),
        ]

    def __str__(self):
        return f"{self.user}: progress check at week {self.week}"

    @classmethod
    def due_week(cls, open_week_limit: int, taken: set[int]) -> int | None:
        """The check to take now: the start's (week 0) from day one, week 4's and week 8's once
        that week opens; the latest one not taken. A check skipped once a later one is taken is
        not asked again: the first check taken is the starting point."""
        due = [
            week
            for week in cls.WEEKS
            if week <= open_week_limit and week not in taken and not any(t > week for t in taken)
        ]
        return due[-1] if due else None


class Answer(models.Model):
    progress_check = models.ForeignKey(
        ProgressCheck, on_delete=models.CASCADE, related_name="answers"
    )
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="answers")
    # The activity, in the client's own words, for a measure whose items the client names.
    item = models.CharField(max_length=120, blank=True)
    value = models.SmallIntegerField()

    client_path = "progress_check__user"
    objects = ClientRecordQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.measure.key} {self.item} = {self.value}"


class Wording(models.Model):
    """Text the instructor writes for the journal pages, such as the gentle safety message."""

    key = models.SlugField(unique=True)
    label = models.CharField(max_length=120)
    text = models.TextField()

    class Meta:
        ordering = ["label"]
        verbose_name = "message to clients"
        verbose_name_plural = "messages to clients"

    def __str__(self):
        return self.label

    @classmethod
    def get_text(cls, key: str, default: str) -> str:
        return cls.objects.filter(key=key).values_list("text", flat=True).first() or default


track_client_records(Practice, ProgressCheck, Answer)


@receiver([post_save, post_delete], sender=Wording)
def wording_changed(sender, **kwargs):
    """Her words are content: the pages that show them are built again (programs.pages)."""
    new_content_version()
