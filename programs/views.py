from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.storage import default_storage, storages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from lessons.catalog import catalog
from lessons.models import ExercisePdf, Lesson, Program
from lessons.sheets import ExerciseSheet, ReminderSheet
from lib.storage import download_response
from lib.when import sentence

from . import pages, questions, services
from .access import (
    PREVIEW_SESSION_KEY,
    Viewer,
    get_viewer,
    locked_response,
    member_required,
    open_class_required,
)
from .calendar import program_calendar
from .forms import PauseForm, PracticePlanForm, PreviewForm, QuestionForm
from .models import Completion, Enrollment, new_calendar_token
from .paper import paper_size
from .progress import build_outline, classes_around, continue_after

# Files and downloads say why they are refused, where a page would redirect to the sales page.
NO_ACCESS_TEMPLATE = "programs/no_access.html"


def sales(request):
    program = Program.current_or_404()
    viewer = get_viewer(request, program) if request.user.is_authenticated else None
    content = catalog(program)
    context = {
        "program": program,
        "weeks": content.weeks,
        "bonus_lessons": content.bonus,
        "class_count": sum(len(week.classes) for week in content.weeks),
        "viewer": viewer,
    }
    return render(request, "programs/sales.html", context)


@member_required(kept=True)
def dashboard(request, viewer):
    outline = build_outline(viewer)
    enrollment = viewer.own_enrollment
    return render(
        request,
        "programs/dashboard.html",
        {
            "viewer": viewer,
            "program": viewer.program,
            "outline": outline,
            "preview_form": PreviewForm(),
            "pause": enrollment and enrollment.pause_at(),
            "planned": enrollment
            and enrollment.planned_pause(timezone.localdate(timezone=enrollment.zone)),
            "can_repeat": enrollment
            and services.can_repeat_week(enrollment, viewer.program.week_count),
            "weeks_held": enrollment and enrollment.weeks_held(),
        },
    )


@member_required(kept=True)
def week_detail(request, viewer, number):
    outline = build_outline(viewer)
    row = outline.week(number)
    if row is None:
        raise Http404("There is no such week in the program.")
    if not row.is_open:
        return locked_response(request, viewer, number, f"Week {number}")
    context = {
        "viewer": viewer,
        "program": viewer.program,
        "outline": outline,
        "row": row,
        "next_row": outline.week(number + 1),
    }
    return render(request, "programs/week.html", context)


@open_class_required(kept=True)
def lesson_detail(request, viewer, lesson):
    return _lesson_page(request, viewer, lesson, QuestionForm())


def _lesson_page(request, viewer, lesson, question_form, status=200):
    rows, index = classes_around(viewer, lesson)
    context = {
        "viewer": viewer,
        "program": viewer.program,
        "lesson": lesson,
        "exercises": viewer.catalog.exercises(lesson),
        "exercise_list": viewer.catalog.html("programs/includes/exercise_list.html", lesson),
        "notes": viewer.catalog.html("programs/includes/class_notes.html", lesson),
        "done": rows[index].done,
        "rows": rows,
        "row": rows[index],
        "done_in_week": sum(row.done for row in rows),
        "previous": rows[index - 1].lesson if index > 0 else None,
        "next": rows[index + 1].lesson if index + 1 < len(rows) else None,
        "question_form": question_form,
        "paper": paper_size(request),
        "pain_values": range(11),
    }
    return render(request, "programs/lesson.html", context, status=status)


@open_class_required
@require_POST
def ask_question(request, viewer, lesson):
    """A question about the class, to the instructor; the page answers with what happened."""
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            questions.ask(request.user, lesson, form.cleaned_data["message"])
        except questions.TooManyQuestions:
            form.add_error(
                None,
                f"You have sent {questions.DAILY_LIMIT} questions today, the most for one day. "
                "Please send this one tomorrow, or add it to your reply to an earlier answer.",
            )
        else:
            name = lesson.program.instructor_name or "The instructor"
            messages.success(
                request,
                f"Your question is on its way. {name} will answer by email at "
                f"{request.user.email}.",
            )
            return redirect(lesson)
    return _lesson_page(request, viewer, lesson, form, status=400)


@open_class_required
@require_POST
def toggle_done(request, viewer, lesson):
    """Mark a class done (and, with "Done, next class", move on) or not done."""
    if request.POST.get("done") != "1":
        Completion.objects.filter(user=request.user, lesson=lesson).delete()
        messages.info(request, f"“{lesson.title}” is no longer marked done.")
        return redirect(lesson)
    Completion.objects.get_or_create(user=request.user, lesson=lesson)
    return continue_after(request, viewer, lesson)


@require_safe
@open_class_required(no_access_template=NO_ACCESS_TEMPLATE)
def lesson_pdf(request, viewer, lesson):
    return _pdf_download(ExerciseSheet.for_lesson(lesson, viewer.catalog.exercises(lesson)))


@require_safe
@open_class_required(no_access_template=NO_ACCESS_TEMPLATE)
def lesson_reminder_pdf(request, viewer, lesson):
    """The one-page reminder with the client's name and today's date, on their paper size."""
    user = request.user
    sheet = ReminderSheet.for_lesson(
        lesson,
        viewer.catalog.exercises(lesson),
        name=user.get_full_name() or user.greeting_name,
        day=timezone.localdate(timezone=user.zone),
        paper=paper_size(request),
    )
    if not sheet.has_exercises:
        raise Http404("There are no exercises to print here.")
    response = HttpResponse(sheet.pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{sheet.filename}"'
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
@member_required(no_access_template=NO_ACCESS_TEMPLATE)
def week_pdf(request, viewer, number):
    week = get_object_or_404(
        viewer.weeks().select_related("program"), program=viewer.program, number=number
    )
    if not viewer.can_open_week(number):
        return locked_response(request, viewer, number, f"Week {number}")
    return _pdf_download(ExerciseSheet.for_week(week, drafts=viewer.sees_drafts))


def _pdf_download(sheet):
    if not sheet.has_exercises:
        raise Http404("There are no exercises to print here.")
    pdf = ExercisePdf.objects.current(sheet)
    return download_response(
        storages["private"],
        pdf.file_name,
        filename=sheet.filename,
        as_attachment=True,
        content_type="application/pdf",
        # The file is for enrolled clients only: no shared cache may keep it.
        cache_control="private, no-cache",
    )


@require_safe
@member_required(no_access_template=NO_ACCESS_TEMPLATE)
def media_file(request, viewer, path):
    """An exercise picture or a captions file, for those who may open its class (staff always,
    whatever day they preview). Anything else under /media/ does not exist."""
    # Staff see every class's files, archived ones included (the admin shows their pictures).
    lessons = Lesson.objects.all() if request.user.is_staff else viewer.lessons()
    lesson = lessons.owning_file(path)
    if lesson is None or not (request.user.is_staff or viewer.can_open(lesson)):
        raise Http404("No such file.")
    return download_response(
        default_storage,
        path,
        cache_control="private, max-age=86400",
        same_origin=path == lesson.captions.name,
    )


@staff_member_required
@require_POST
def preview(request):
    """Staff see the site as a client on day N of the program, locks included."""
    form = PreviewForm(request.POST)
    if "stop" in request.POST:
        request.session.pop(PREVIEW_SESSION_KEY, None)
        messages.success(request, "Preview ended: you see the whole program again.")
    elif form.is_valid():
        request.session[PREVIEW_SESSION_KEY] = form.cleaned_data["day"]
        messages.success(
            request, f"Previewing as a client on day {form.cleaned_data['day']} of the program."
        )
    else:
        messages.error(request, "Choose a day between 1 and 365.")
    return redirect("programs:dashboard")


@member_required
def schedule(request, viewer):
    """Pause the program or repeat this week; what the unlock rule then says is on the page."""
    enrollment = viewer.own_enrollment
    if enrollment is None:
        messages.info(request, "Staff pause a client from the client's enrollment in the admin.")
        return redirect("programs:dashboard")
    today = timezone.localdate(timezone=enrollment.zone)
    plan_posted = request.method == "POST" and "plan" in request.POST
    plan = PracticePlanForm(request.POST if plan_posted else None, instance=enrollment)
    if plan_posted and plan.is_valid():
        plan.save()
        messages.success(request, sentence(f"Your practice plan: {enrollment.practice_plan}"))
        return redirect("programs:schedule")
    paused = request.method == "POST" and not plan_posted
    form = PauseForm(request.POST if paused else None, initial={"starts_on": today})
    if paused:
        try:
            if "resume" in request.POST:
                was_paused = enrollment.pause_at() is not None
                services.resume(enrollment, by=request.user)
                messages.success(
                    request,
                    "Welcome back: your program is running again."
                    if was_paused
                    else "Your planned pause is called off.",
                )
                return redirect("programs:dashboard")
            if "new_calendar_address" in request.POST:
                enrollment.calendar_token = new_calendar_token()
                enrollment.save(update_fields=["calendar_token"])
                messages.success(
                    request, "Your calendar has a new address: the old one stops working."
                )
                return redirect("programs:schedule")
            if "repeat" in request.POST:
                services.repeat_week(enrollment, by=request.user)
                messages.success(request, "You stay on this week for one more week.")
                return redirect("programs:dashboard")
            if form.is_valid():
                made = services.pause(enrollment, by=request.user, **form.cleaned_data)
                first = f"{made.starts_on:%A, %B} {made.starts_on.day}"
                messages.success(
                    request,
                    "Your program is paused. Enjoy the break."
                    if made.starts_on <= today
                    else f"Your pause is planned from {first}.",
                )
                return redirect("programs:dashboard")
        except services.ScheduleRefused as refused:
            form.add_error(None, str(refused))
    context = {
        "viewer": viewer,
        "program": viewer.program,
        "plan": plan,
        "form": form,
        "pause": enrollment.pause_at(),
        "planned": enrollment.planned_pause(today),
        "pauses_left": services.client_pauses_left(enrollment),
        "can_repeat": services.can_repeat_week(enrollment, viewer.program.week_count),
        "pauses": enrollment.schedule_pauses,
        "next_opening": enrollment.week_opens_at(enrollment.open_week_limit() + 1),
        "calendar_url": settings.SITE_URL
        + reverse("programs:calendar_feed", args=[enrollment.calendar_token]),
    }
    invalid = form.errors or plan.errors
    return render(request, "programs/schedule.html", context, status=400 if invalid else 200)


@require_safe
def calendar_feed(request, token):
    """The private feed a calendar app subscribes to: the address is the only key, so it works
    without a session; a reset address stops the old one."""
    enrollment = get_object_or_404(
        Enrollment.objects.with_access().select_related("user", "program"), calendar_token=token
    )
    key = pages.page_key(request, enrollment.user, enrollment.program, with_forms=False)
    if response := pages.kept_response(key):
        return response
    viewer = Viewer(enrollment.user, enrollment.program, enrollment)
    response = HttpResponse(program_calendar(viewer), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    pages.keep(key, request, response, until=viewer.unchanged_until)
    return response


@require_safe
@member_required
def calendar_download(request, viewer):
    if viewer.own_enrollment is None:
        raise Http404("Staff have no program calendar.")
    response = HttpResponse(program_calendar(viewer), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="heal-your-hips.ics"'
    return response
