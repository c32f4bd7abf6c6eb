from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from programs.access import locked_response, member_required

from .models import Completion, Lesson


def _get_lesson_for_viewer(viewer, slug):
    """The lesson if the viewer may open it now; None if it exists but is still locked."""
    lesson = get_object_or_404(
        Lesson.objects.select_related("week", "program"), slug=slug, program=viewer.program
    )
    return lesson, viewer.can_open(lesson)


@member_required
def lesson_detail(request, viewer, slug):
    lesson, can_open = _get_lesson_for_viewer(viewer, slug)
    if not can_open:
        return locked_response(request, viewer, lesson.week.number, lesson.title)
    siblings = list(
        Lesson.objects.filter(program=lesson.program, week=lesson.week)
        .order_by("position", "id")
        .only("slug", "title", "position", "week_id")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == lesson.pk)
    context = {
        "viewer": viewer,
        "lesson": lesson,
        "exercises": lesson.exercises.all(),
        "done": lesson.pk in viewer.completed_lesson_ids,
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
    }
    return render(request, "lessons/detail.html", context)


@member_required
@require_POST
def toggle_done(request, viewer, slug):
    lesson, can_open = _get_lesson_for_viewer(viewer, slug)
    if not can_open:
        return locked_response(request, viewer, lesson.week.number, lesson.title)
    if request.POST.get("done") == "1":
        Completion.objects.get_or_create(user=request.user, lesson=lesson)
        messages.success(request, f"Nice work: “{lesson.title}” is marked done.")
    else:
        Completion.objects.filter(user=request.user, lesson=lesson).delete()
        messages.info(request, f"“{lesson.title}” is no longer marked done.")
    return redirect(lesson)
