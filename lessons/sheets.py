"""What goes into an exercise PDF, and the hash of all of it.

A sheet is a class's exercises, or a whole week's. Its `content_hash` covers every input of the
document (texts, doses, image files, the print templates, the page size, the WeasyPrint
version), so a stored PDF named by that hash is current by construction: any edit makes a new
hash, and an old file can never be served for new content.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.core.cache import cache as django_cache

from .models import Exercise, Lesson, Week
from .print_images import REMINDER_IMAGE_WIDTH, print_address

# A reminder names a client and a day: kept for reprints that day, then rendered afresh.
REMINDER_CACHE_SECONDS = 36 * 60 * 60
PAPER_SIZES = ("A4", "Letter")


@dataclass
class ExerciseSheet:
    """One printable document: `sections` pairs each class with its exercises, in order."""

    template = "lessons/pdf/exercises.html"
    stylesheet = "lessons/pdf/print.css"

    title: str
    filename: str
    slug: str
    sections: list[tuple[Lesson, list[Exercise]]]
    lesson: Lesson | None = None
    week: Week | None = None

    @classmethod
    def for_lesson(cls, lesson: Lesson, exercises: list[Exercise] | None = None):
        """`exercises` in order, if the caller has them (a page's `catalog`), else read."""
        return cls(
            title=lesson.title,
            filename=f"{lesson.slug}-exercises.pdf",
            slug=lesson.slug,
            sections=[(lesson, list(lesson.exercises.all()) if exercises is None else exercises)],
            lesson=lesson,
        )

    @classmethod
    def for_week(cls, week: Week, *, drafts=False) -> "ExerciseSheet":
        """The week's published classes; with `drafts`, staff's preview copy with drafts too."""
        lessons = (
            Lesson.objects.visible(drafts=drafts)
            .filter(week=week)
            .select_related("program", "week")
            .prefetch_related("exercises")
            .order_by("position", "id")
        )
        return cls(
            title=f"Week {week.number}: {week.title}",
            filename=f"week-{week.number}-exercises.pdf",
            slug=f"week-{week.number}",
            sections=[(lesson, list(lesson.exercises.all())) for lesson in lessons],
            week=week,
        )

    @property
    def program(self):
        return (self.lesson or self.week).program

    @property
    def has_exercises(self) -> bool:
        return any(exercises for _, exercises in self.sections)

    @cached_property
    def content_hash(self) -> str:
        content = {
            "program": [self.program.title, self.program.instructor_name],
            "title": self.title,
            "page_size": settings.PDF_PAGE_SIZE,
            "templates": _template_fingerprint(),
            "sections": [
                {
                    "title": lesson.title,
                    "notes": lesson.notes if self.lesson else "",
                    "exercises": [
                        [e.name, e.image.name, e.image_alt, e.cues, e.dose, e.side]
                        for e in exercises
                    ],
                }
                for lesson, exercises in self.sections
            ],
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    def context(self) -> dict:
        """The template context. Images are print-sized JPEGs (`print_images`), which keeps the
        file small (WeasyPrint would store the WebP originals as large PNGs)."""
        return {
            "program": self.program,
            "title": self.title,
            "page_size": settings.PDF_PAGE_SIZE,
            "notes": self.lesson.notes if self.lesson else "",
            "sections": [
                {
                    "lesson": lesson,
                    "exercises": [(exercise, print_address(exercise)) for exercise in exercises],
                }
                for lesson, exercises in self.sections
                if exercises
            ],
        }


@dataclass
class ReminderSheet:
    """The one-page reminder of a class for the fridge: per exercise a small picture, the name,
    its first cue and the dose, and a tick box for each of the next seven days; the client's
    name and the day in the header. Personal, so cached by content and person, not stored."""

    template = "lessons/pdf/reminder.html"
    stylesheet = "lessons/pdf/reminder.css"

    lesson: Lesson
    exercises: list[Exercise]
    name: str
    day: dt.date
    paper: str

    @classmethod
    def for_lesson(cls, lesson: Lesson, exercises=None, *, name: str, day: dt.date, paper: str):
        """`exercises` in order, if the caller has them (a page's `catalog`), else read."""
        if paper not in PAPER_SIZES:
            raise ValueError(f"Paper must be one of {PAPER_SIZES}, not {paper!r}.")
        exercises = list(lesson.exercises.all()) if exercises is None else exercises
        return cls(lesson, exercises, name, day, paper)

    @property
    def filename(self) -> str:
        return f"{self.lesson.slug}-reminder.pdf"

    @property
    def has_exercises(self) -> bool:
        return bool(self.exercises)

    @cached_property
    def content_hash(self) -> str:
        content = {
            "templates": _template_fingerprint(),
            "program": [self.lesson.program.title, self.lesson.program.instructor_name],
            "title": self.lesson.title,
            "exercises": [
                [e.name, e.image.name, e.image_alt, e.cues, e.dose, e.side] for e in self.exercises
            ],
            "personal": [self.name, self.day.isoformat(), self.paper],
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    def context(self) -> dict:
        return {
            "program": self.lesson.program,
            "lesson": self.lesson,
            "name": self.name,
            "day": self.day,
            "page_size": self.paper,
            "days": [self.day + dt.timedelta(days=n) for n in range(7)],
            "exercises": [
                (exercise, print_address(exercise, REMINDER_IMAGE_WIDTH))
                for exercise in self.exercises
            ],
        }

    def pdf(self) -> bytes:
        """The rendered PDF, from the cache when this person printed it today already. A cache
        that is down only costs a render (lib/cache.py)."""
        from .pdf import render_pdf  # WeasyPrint is slow to import: only renderers pay for it

        key = f"reminder-pdf:{self.content_hash}"
        pdf = django_cache.get(key)
        if pdf is None:
            pdf = render_pdf(self.template, self.stylesheet, self.context())
            django_cache.set(key, pdf, REMINDER_CACHE_SECONDS)
        return pdf


@cache
def _template_fingerprint() -> str:
    """The print templates and the renderer, so a new layout counts as new content. Read once
    per process: a deploy restarts the processes, then `render_pdfs` renders the new layout."""
    digest = hashlib.sha256(version("weasyprint").encode())
    for path in sorted((Path(settings.BASE_DIR) / "templates" / "lessons" / "pdf").rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()
