"""Background rendering of the exercise PDFs.

Saving a class, an exercise, a week or the program queues a render of the PDFs it appears in
once the transaction commits (see `signals`), so a client who downloads one after an edit
usually gets a stored file. One who comes before the worker has finished (or while no worker
runs) waits for the PDF to be rendered in the request, once however many ask at the same time
(`ExercisePdfQuerySet.current`): never an old file for new content.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction

from .forms import forget_kept_photos
from .models import ExercisePdf, Lesson, Week
from .sheets import ExerciseSheet

logger = logging.getLogger(__name__)

# The limits travel in the task message, so the process that queues the task sets them.
TIME_LIMITS = {
    "soft_time_limit": settings.PDF_RENDER_TIME_LIMIT,
    # If WeasyPrint is stuck where the soft limit cannot interrupt it, the worker child is killed.
    "time_limit": settings.PDF_RENDER_TIME_LIMIT + 30,
}


@shared_task(**TIME_LIMITS)
def render_exercise_pdfs(lesson_id: int):
    """Render the class's PDF and, for a week's class, the week's PDF; drop the older files."""
    lesson = Lesson.objects.select_related("program", "week").filter(pk=lesson_id).first()
    if lesson is None:
        return
    sheets = [ExerciseSheet.for_lesson(lesson)]
    if lesson.week:
        sheets.append(ExerciseSheet.for_week(lesson.week))
    _refresh(sheets, f"class {lesson.pk} ({lesson.slug})")


@shared_task(**TIME_LIMITS)
def render_week_pdf(week_id: int):
    """Render the week's PDF and drop the older files (a week with no exercises left keeps none)."""
    week = Week.objects.select_related("program").filter(pk=week_id).first()
    if week is None:
        return
    _refresh([ExerciseSheet.for_week(week)], f"week {week.number} of {week.program}")


def _refresh(sheets: list[ExerciseSheet], what: str) -> None:
    try:
        for sheet in sheets:
            ExercisePdf.objects.refresh(sheet)
    except SoftTimeLimitExceeded:
        logger.error(
            "Rendering the exercise PDFs of %s ran past its time limit and was stopped.", what
        )
        raise


@shared_task
def clear_kept_photos():
    """Daily: photos kept across an admin form error that nobody came back for."""
    forget_kept_photos()


def render_exercise_pdfs_on_commit(lesson_id: int):
    """Queue one render for the class once the transaction commits, however many of its rows
    the transaction saves (an admin save writes the class and each changed exercise)."""
    _enqueue_once_on_commit(render_exercise_pdfs, lesson_id)


def render_week_pdf_on_commit(week_id: int):
    """Queue one render of the week's PDF once the transaction commits."""
    _enqueue_once_on_commit(render_week_pdf, week_id)


def _enqueue_once_on_commit(task, object_id: int):
    key = (task.name, object_id)
    connection = transaction.get_connection()
    if any(getattr(hook, "pdf_key", None) == key for _, hook, _ in connection.run_on_commit):
        return

    def enqueue():
        task.delay(object_id)

    enqueue.pdf_key = key
    transaction.on_commit(enqueue)
