"""Keep the stored exercise PDFs in step with what is printed in them: the classes and their
exercises, the week titles and the program's title and instructor (see `sheets`)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Exercise, ExercisePdf, Lesson, Program, Week
from .tasks import render_exercise_pdfs_on_commit, render_week_pdf_on_commit


@receiver(pre_save, sender=Lesson)
def note_previous_week(sender, instance, raw=False, update_fields=None, **kwargs):
    """Remember the week a class is moved out of: that week's PDF must lose it."""
    instance._previous_week_id = None
    if raw or instance._state.adding:
        return
    if update_fields is not None and not {"week", "week_id"} & set(update_fields):
        return
    instance._previous_week_id = (
        Lesson.objects.filter(pk=instance.pk).values_list("week_id", flat=True).first()
    )


@receiver(post_save, sender=Lesson)
def render_after_lesson_change(sender, instance, raw=False, **kwargs):
    if raw:
        return
    render_exercise_pdfs_on_commit(instance.pk)
    previous_week_id = getattr(instance, "_previous_week_id", None)
    if previous_week_id and previous_week_id != instance.week_id:
        render_week_pdf_on_commit(previous_week_id)


@receiver([post_save, post_delete], sender=Exercise)
def render_after_exercise_change(sender, instance, raw=False, **kwargs):
    if not raw:
        render_exercise_pdfs_on_commit(instance.lesson_id)


@receiver(post_save, sender=Week)
def render_after_week_change(sender, instance, created, raw=False, **kwargs):
    # The week's title and number head its PDF; a class's PDF does not show them. A new week
    # has no classes yet: each class queues its own render when it is added.
    if not raw and not created:
        render_week_pdf_on_commit(instance.pk)


@receiver(post_save, sender=Program)
def render_after_program_change(sender, instance, created, raw=False, **kwargs):
    # Every PDF shows the program's title and instructor. A render whose content is unchanged
    # finds its stored file and stops, so saves that change neither cost little.
    if raw or created:
        return
    lesson_ids = (
        Exercise.objects.filter(lesson__program=instance)
        .order_by("lesson_id")
        .values_list("lesson_id", flat=True)
        .distinct()
    )
    for lesson_id in lesson_ids:
        render_exercise_pdfs_on_commit(lesson_id)


@receiver(post_delete, sender=ExercisePdf)
def delete_pdf_file(sender, instance, **kwargs):
    transaction.on_commit(instance.delete_file)
