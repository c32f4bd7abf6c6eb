import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property

from lib.images import resized_copy, validate_image_upload
from lib.kept import KeptVersions
from lib.money import CURRENCIES, format_money
from lib.slugs import unique_slug
from lib.uploads import validate_upload_size

from .video import Video, find_video, validate_video_url

# What a text field's help says of the Markdown it takes, in her words.
FORMATTING = (
    " Formatting: **bold**, *italic*, a line starting with - for a list, [a link](https://…)."
)

# A program is at most a year of weekly unlocks; "unlock everything" opens this many weeks.
MAX_WEEKS = 52


class Status(models.TextChoices):
    """Where a week or a class stands for clients. Only published content reaches them: pages,
    emails and PDFs alike. Staff also see drafts, marked as such, in the preview."""

    DRAFT = "draft", "Draft: only you can see it"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived: hidden from clients, kept with their progress"


# The program's row, and its count of published weeks, as of each content version, per process
# (`Program.current`, `Program.week_count`).
_programs = KeptVersions()
_week_counts = KeptVersions()


def new_content_version():
    """Every saved change to what clients see gives the programs a new content version, in the
    change's own transaction: cached copies of the content (`catalog`) are keyed by it."""
    # The plain manager: the programs' own `update` would give a new version again.
    Program._base_manager.update(content_version=uuid.uuid4())


class ContentQuerySet(models.QuerySet):
    """Bulk writes (the admin's drag-to-reorder among them) send no save signals: they give the
    content its new version themselves."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        new_content_version()
        return rows

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        new_content_version()
        return created


class ProgramQuerySet(ContentQuerySet):
    def published(self):
        return self.filter(is_published=True)


class Program(models.Model):
    title = models.CharField(max_length=120)
    slug = models.SlugField(unique=True, blank=True)
    tagline = models.CharField(max_length=200, blank=True)
    description = models.TextField(
        blank=True,
        help_text="The main text of the sales page." + FORMATTING,
    )
    audience = models.TextField(
        "who it is for",
        blank=True,
        help_text="One line starting with - per kind of person it helps.",
    )
    instructor_name = models.CharField(max_length=120)
    instructor_bio = models.TextField(
        blank=True,
        help_text="About you, on the sales page." + FORMATTING,
    )
    # Stored in the currency's smallest unit, as Stripe charges it; the admin shows "149.00".
    price_amount = models.PositiveIntegerField(
        help_text="In the smallest unit of the currency: 14900 is $149.00."
    )
    currency = models.CharField(max_length=3, choices=CURRENCIES, default="usd")
    plan_payments = models.PositiveSmallIntegerField(
        "monthly payments in a payment plan",
        default=0,
        validators=[MaxValueValidator(12)],
        help_text="Also offer the program in this many monthly payments, for example 3. "
        "0 offers paying in full only.",
    )
    # In the currency's smallest unit, like the price; the admin shows "55.00".
    plan_payment_amount = models.PositiveIntegerField(default=0)
    unlock_interval_days = models.PositiveSmallIntegerField(
        "days between weeks",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Each new week opens this many days after the one before.",
    )
    unlock_hour = models.PositiveSmallIntegerField(
        default=6,
        validators=[MaxValueValidator(23)],
        help_text="Hour of the day (0-23) a new week opens, in each client's own time zone.",
    )
    is_published = models.BooleanField(
        "on sale",
        default=True,
        help_text="Shows the sales page and lets new clients enroll. Clients already enrolled "
        "keep their program either way.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A new value with every change to the program's content: see `new_content_version`.
    content_version = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Program.objects.exclude(pk=self.pk), self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("programs:sales")

    @classmethod
    def current(cls, *, for_members=False):
        """The program this site runs (one; the data model allows more). Publishing controls the
        sales page and new enrollments only: `for_members` finds it unpublished too, so enrolled
        clients keep their program.

        Every page asks, so only its id and content version are queried; the row itself, with
        its published weeks counted for the "an 8-week program" copy, is read once per version
        and shared by this process's requests: treat it as read-only."""
        programs = cls.objects.all() if for_members else cls.objects.published()
        found = programs.order_by("-is_published", "id").values_list("pk", "content_version")
        key = found.first()
        if key is None:
            return None
        return _programs.get(
            key,
            lambda: cls.objects.annotate(
                published_weeks=Count("weeks", filter=Q(weeks__status=Status.PUBLISHED))
            ).get(pk=key[0]),
        )

    @classmethod
    def current_or_404(cls, *, for_members=False):
        program = cls.current(for_members=for_members)
        if program is None:
            raise Http404("No program is published yet.")
        return program

    @property
    def price_display(self) -> str:
        return format_money(self.price_amount, self.currency)

    @property
    def offers_plan(self) -> bool:
        return self.plan_payments >= 2 and self.plan_payment_amount > 0

    @property
    def plan_display(self) -> str:
        """ "3 monthly payments of $55" """
        amount = format_money(self.plan_payment_amount, self.currency)
        return f"{self.plan_payments} monthly payments of {amount}"

    @cached_property
    def week_count(self) -> int:
        counted = getattr(self, "published_weeks", None)
        if counted is not None:
            return counted
        return _week_counts.get(
            (self.pk, self.content_version), lambda: self.weeks.visible().count()
        )

    @property
    def length_phrase(self) -> str:
        """ "an 8-week program", "a 9-week program": the article follows how the number sounds."""
        weeks = self.week_count
        article = "an" if weeks in (11, 18) or str(weeks).startswith("8") else "a"
        return f"{article} {weeks}-week program"


class WeekQuerySet(ContentQuerySet):
    def visible(self, *, drafts=False):
        """Weeks a client sees (published); with `drafts`, what staff preview shows as well."""
        shown = [Status.PUBLISHED, Status.DRAFT] if drafts else [Status.PUBLISHED]
        return self.filter(status__in=shown)


class Week(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="weeks")
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WEEKS)]
    )
    title = models.CharField(max_length=120)
    summary = models.TextField(
        blank=True,
        help_text="Shown at the top of the week." + FORMATTING,
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.PUBLISHED)

    objects = WeekQuerySet.as_manager()

    class Meta:
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "number"],
                name="unique_week_number",
                violation_error_message="The program already has a week with this number. "
                "Give each week its own number.",
            ),
        ]

    def __str__(self):
        return f"Week {self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("programs:week", args=[self.number])


class LessonQuerySet(ContentQuerySet):
    def in_order(self):
        return self.order_by("position", "id")

    def visible(self, *, drafts=False):
        """Classes a client sees: published, in a published week (or a bonus class). With
        `drafts`, what staff preview shows as well. The one rule for pages, emails and PDFs."""
        shown = [Status.PUBLISHED, Status.DRAFT] if drafts else [Status.PUBLISHED]
        return self.filter(status__in=shown).filter(
            models.Q(week__isnull=True) | models.Q(week__status__in=shown)
        )

    def without_content(self):
        """Classes with neither a video nor an exercise: a client would open an empty page."""
        return (
            self.exclude(status=Status.ARCHIVED)
            .filter(video_url="")
            .annotate(exercise_total=models.Count("exercises"))
            .filter(exercise_total=0)
        )

    def owning_file(self, name: str):
        """The class a stored picture or captions file belongs to, or None."""
        return (
            self.select_related("week")
            .filter(Q(captions=name) | Q(exercises__image=name) | Q(exercises__thumbnail=name))
            .first()
        )


class Lesson(models.Model):
    """One video class. A lesson without a week is a bonus class, open from day one."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="lessons")
    week = models.ForeignKey(
        Week,
        on_delete=models.CASCADE,
        related_name="lessons",
        null=True,
        blank=True,
        help_text="Leave empty for a bonus class, open to every client from day one.",
    )
    title = models.CharField(max_length=120)
    # Made from the title when the class is first saved, then kept: links to it never break.
    slug = models.SlugField(unique=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0, db_index=True)
    summary = models.CharField(max_length=240, blank=True)
    notes = models.TextField(
        blank=True,
        help_text="Shown under the video." + FORMATTING,
    )
    video_url = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_video_url],
        help_text=(
            "Paste the link (or the video id) from YouTube, Vimeo (an unlisted link keeps "
            "working) or Bunny Stream (its links expire for copies), or an https:// link to an "
            ".mp4 or .webm file. The preview below shows where it plays from."
        ),
    )
    captions = models.FileField(
        "captions file (.vtt)",
        upload_to="captions/",
        blank=True,
        validators=[FileExtensionValidator(["vtt"]), validate_upload_size],
        help_text="Optional subtitles for a video file, so clients can follow with the sound off.",
    )
    duration_minutes = models.PositiveSmallIntegerField(
        "length (minutes)",
        default=0,
        validators=[MaxValueValidator(600)],
        help_text="Shown to clients beside the class, so they can plan their practice.",
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.PUBLISHED)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["week__number", "position", "id"]
        verbose_name = "class"
        verbose_name_plural = "classes"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A class added on its week's admin page takes the week's program.
        if self.week_id and not self.program_id:
            self.program_id = self.week.program_id
        if not self.slug:
            self.slug = unique_slug(Lesson.objects.exclude(pk=self.pk), self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.url

    @cached_property
    def url(self) -> str:
        # Kept: the catalog's classes are shared by requests, and a page links to many of them.
        return reverse("programs:lesson", args=[self.slug])

    def clean(self):
        if self.week_id and self.program_id and self.week.program_id != self.program_id:
            raise ValidationError({"week": "This week belongs to another program."})

    @property
    def is_bonus(self) -> bool:
        return self.week_id is None

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT or (
            self.week is not None and self.week.status == Status.DRAFT
        )

    @cached_property
    def video(self) -> Video | None:
        return find_video(self.video_url) if self.video_url else None


def exercise_image_path(exercise, filename):
    return f"exercises/{exercise.lesson_id or 'new'}/{PurePosixPath(filename).stem[:60]}.webp"


class Exercise(models.Model):
    class Side(models.TextChoices):
        BOTH = "both", "Both sides"
        EACH = "each", "Each side"
        LEFT = "left", "Left"
        RIGHT = "right", "Right"

    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="exercises", verbose_name="class"
    )
    position = models.PositiveSmallIntegerField(default=0, db_index=True)
    name = models.CharField(max_length=120)
    image = models.ImageField(
        upload_to=exercise_image_path,
        blank=True,
        validators=[validate_image_upload],
        help_text="A photo (JPEG, PNG, WebP or iPhone HEIC), up to 10 MB. Stored without its "
        "location and camera data.",
    )
    image_alt = models.CharField(
        "image description",
        max_length=240,
        blank=True,
        help_text="What the picture shows, for clients using a screen reader.",
    )
    thumbnail = models.ImageField(upload_to="exercises/thumbs/", blank=True, editable=False)
    cues = models.TextField(blank=True, help_text="One cue per line.")
    sets = models.PositiveSmallIntegerField(null=True, blank=True)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField("hold (seconds)", null=True, blank=True)
    side = models.CharField(max_length=8, choices=Side, default=Side.BOTH)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.image and not getattr(self.image, "_committed", True):
            self._store_image_versions()
        elif not self.image:
            self.thumbnail = ""
        super().save(*args, **kwargs)

    def clean(self):
        if self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": "Describe the image for clients who cannot see it."}
            )

    def _store_image_versions(self):
        """Keep a page-sized copy (EXIF gone) in place of the upload, and a small thumbnail."""
        upload = self.image
        name = PurePosixPath(upload.name).stem[:60] or "exercise"
        page_copy = resized_copy(upload, settings.EXERCISE_IMAGE_WIDTH)
        thumb = resized_copy(upload, settings.EXERCISE_THUMB_WIDTH)
        self.image.save(f"{name}.webp", page_copy, save=False)
        self.thumbnail.save(f"{name}.webp", thumb, save=False)

    @property
    def cue_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.cues.splitlines() if line.strip(" -•\t")]

    @property
    def dose(self) -> str:
        """Sets, reps and hold time in the words a client reads on the mat."""
        counts = [
            f"{n} {word}{'s' if n != 1 else ''}"
            for n, word in ((self.sets, "set"), (self.reps, "rep"))
            if n
        ]
        parts = [" × ".join(counts)] if counts else []
        if self.hold_seconds:
            parts.append(f"hold {self.hold_seconds} s")
        return ", ".join(parts)


class ExercisePdfQuerySet(models.QuerySet):
    def current(self, sheet, *, rerender=False) -> "ExercisePdf":
        """The stored PDF of the sheet's current content, rendered now if there is none yet.

        Concurrent callers for the same content wait on the row's unique key (or its lock)
        while the first one renders, then get its file: the same content is never rendered
        twice at once. `rerender` renders again even if the file exists (`render_pdfs --force`).
        """
        # WeasyPrint takes most of a second to import: only processes that render pay for it.
        from .pdf import render_pdf

        digest = sheet.content_hash
        pdf = self.filter(content_hash=digest).first()
        if pdf and pdf.file_exists() and not rerender:
            return pdf
        with transaction.atomic():
            pdf, created = self.get_or_create(
                content_hash=digest, defaults={"lesson": sheet.lesson, "week": sheet.week}
            )
            if not created:
                pdf = self.select_for_update().get(pk=pdf.pk)
                if pdf.file_exists() and not rerender:
                    return pdf
            pdf._store(render_pdf(sheet.template, sheet.stylesheet, sheet.context()), sheet)
        return pdf

    def superseded(self, sheet):
        """Earlier renditions of the same class or week, no longer current."""
        return self.filter(lesson=sheet.lesson, week=sheet.week).exclude(
            content_hash=sheet.content_hash
        )

    def refresh(self, sheet, *, rerender=False) -> bool:
        """Store the sheet's current PDF, if it has exercises, and delete its older renditions
        (their files go once the transaction commits). Returns whether there is a current PDF."""
        has_pdf = sheet.has_exercises
        if has_pdf:
            self.current(sheet, rerender=rerender)
        self.superseded(sheet).delete()
        return has_pdf


class ExercisePdf(models.Model):
    """A rendered exercise PDF of a class or of a week, in the private storage.

    Keyed by the hash of everything that went into it (see `lessons.sheets`), which is also in
    the file name, so an edit never finds an old file under the new key.
    """

    content_hash = models.CharField(max_length=64, unique=True)
    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, null=True, blank=True, related_name="pdfs"
    )
    week = models.ForeignKey(
        Week, on_delete=models.CASCADE, null=True, blank=True, related_name="exercise_pdfs"
    )
    file_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    rendered_at = models.DateTimeField(auto_now=True)

    objects = ExercisePdfQuerySet.as_manager()

    class Meta:
        verbose_name = "exercise PDF"
        constraints = [
            models.CheckConstraint(
                condition=Q(lesson__isnull=False, week__isnull=True)
                | Q(lesson__isnull=True, week__isnull=False),
                name="exercise_pdf_of_a_class_or_a_week",
            ),
        ]

    def __str__(self):
        return self.file_name

    def open(self):
        return storages["private"].open(self.file_name, "rb")

    def file_exists(self) -> bool:
        """False if the file was lost (a restored database, a wiped disk): render it again."""
        return bool(self.file_name) and storages["private"].exists(self.file_name)

    def delete_file(self):
        storages["private"].delete(self.file_name)

    def _store(self, pdf: bytes, sheet):
        replaced = ExercisePdf(file_name=self.file_name) if self.file_exists() else None
        self.file_name = storages["private"].save(
            f"exercise-pdfs/{sheet.slug}-{sheet.content_hash[:20]}.pdf", ContentFile(pdf)
        )
        self.size = len(pdf)
        self.save()
        if replaced:
            transaction.on_commit(replaced.delete_file)
