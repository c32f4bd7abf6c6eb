"""Background rendering of the exercise PDFs, so the first client to download one after an edit
gets a stored file instead of waiting for a render."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction

from .models import ExercisePdf, Lesson
from .sheets import ExerciseSheet

logger = logging.getLogger(__name__)


# The limits travel in the task message, so the process that queues the task sets them.
@shared_task(
    soft_time_limit=settings.PDF_RENDER_TIME_LIMIT,
    # If WeasyPrint is stuck where the soft limit cannot interrupt it, the worker child is killed.
    time_limit=settings.PDF_RENDER_TIME_LIMIT + 30,
)
def render_exercise_pdfs(lesson_id: int):
    """Render the class's PDF and, for a week's class, the week's PDF; drop the older files."""
    lesson = Lesson.objects.select_related("program", "week").filter(pk=lesson_id).first()
    if lesson is None:
        return
    sheets = [ExerciseSheet.for_lesson(lesson)]
    if lesson.week:
        sheets.append(ExerciseSheet.for_week(lesson.week))
    try:
        for sheet in sheets:
            if sheet.has_exercises:
                ExercisePdf.objects.current(sheet)
            ExercisePdf.objects.superseded(sheet).delete()
    except SoftTimeLimitExceeded:
        logger.error(
            "Rendering the exercise PDFs of class %s (%s) ran past its time limit and was stopped.",
            lesson.pk,
            lesson.slug,
        )
        raise


def render_exercise_pdfs_on_commit(lesson_id: int):
    """Queue one render for the class once the transaction commits, however many of its rows
    the transaction saves (an admin save writes the class and each changed exercise)."""
    key = ("render_exercise_pdfs", lesson_id)
    connection = transaction.get_connection()
    if any(getattr(hook, "pdf_key", None) == key for _, hook, _ in connection.run_on_commit):
        return

    def enqueue():
        render_exercise_pdfs.delay(lesson_id)

    enqueue.pdf_key = key
    transaction.on_commit(enqueue)
