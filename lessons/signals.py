"""Keep the stored exercise PDFs in step with the classes they are made from."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Exercise, ExercisePdf, Lesson
from .tasks import render_exercise_pdfs_on_commit


@receiver(post_save, sender=Lesson)
def render_after_lesson_change(sender, instance, raw=False, **kwargs):
    if not raw:
        render_exercise_pdfs_on_commit(instance.pk)


@receiver([post_save, post_delete], sender=Exercise)
def render_after_exercise_change(sender, instance, raw=False, **kwargs):
    if not raw:
        render_exercise_pdfs_on_commit(instance.lesson_id)


@receiver(post_delete, sender=ExercisePdf)
def delete_pdf_file(sender, instance, **kwargs):
    transaction.on_commit(instance.delete_file)
