import csv
import io
import json

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from lessons.models import Program
from programs import pages
from programs.access import locked_response, member_required, open_class_required
from programs.models import Completion, Enrollment
from programs.progress import continue_after

from . import charts, clients
from .forms import CheckInForm, ProgressCheckForm
from .models import Answer, Measure, Practice, ProgressCheck, Wording
from .records import Journal

SAFETY_KEY = "safety"
# The migration writes her first wording; this only shows if she empties it.
SAFETY_DEFAULT = "Your pain is higher than usual: ease off, and ask before you go on."


@open_class_required
@require_POST
def log_practice(request, viewer, lesson):
    """The Done step with its check-in: logs a practice (the check-in is optional) and marks
    the class done, then goes on as "Done" does."""
    if viewer.own_enrollment is None:
        raise Http404("Staff have no journal.")
    form = CheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That check-in could not be saved: " + _first_error(form))
        return redirect(lesson)
    with transaction.atomic():
        Practice.objects.create(user=request.user, lesson=lesson, **form.cleaned_data)
        _, first_time = Completion.objects.get_or_create(user=request.user, lesson=lesson)
    if form.cleaned_data["pain"] is not None and _journal(viewer).needs_care:
        messages.warning(request, Wording.get_text(SAFETY_KEY, SAFETY_DEFAULT))
    if not first_time and request.POST.get("then") != "next":
        messages.success(request, f"Saved: another practice of “{lesson.title}”.")
        return redirect(lesson)
    return continue_after(request, viewer, lesson)


def _first_error(form) -> str:
    return next(str(error) for errors in form.errors.values() for error in errors)


def _journal(viewer) -> Journal | None:
    """The client's journal; staff (previewing or not) have none of their own."""
    enrollment = viewer.own_enrollment
    return enrollment and Journal.for_enrollment(enrollment, viewer.program.week_count)


@member_required(kept=True)
@require_safe
def my_progress(request, viewer):
    journal = _journal(viewer)
    if journal is None:
        messages.info(request, "Staff have no journal. See a client's from the Clients page.")
        return redirect("journal:clients")
    return render(request, "journal/progress.html", _progress_context(viewer.program, journal))


def _progress_context(program, journal):
    return {
        "program": program,
        "journal": journal,
        "pain_chart": charts.pain_chart(journal),
        "sessions_chart": charts.sessions_chart(journal),
        "psfs_rows": charts.activity_rows(journal),
        "safety": Wording.get_text(SAFETY_KEY, SAFETY_DEFAULT) if journal.needs_care else "",
        "recent": journal.practices[::-1][:20],
        "due_check": journal.due_check(),
    }


@member_required
def progress_check(request, viewer, week):
    if week not in ProgressCheck.WEEKS:
        raise Http404("There is no progress check that week.")
    journal = _journal(viewer)
    if journal is None:
        raise Http404("Staff have no progress checks.")
    if week > 0 and not viewer.can_open_week(week):
        return locked_response(request, viewer, week, f"The week {week} progress check")
    if week in journal.checks:
        messages.info(request, "You have done this progress check: here is your progress.")
        return redirect("journal:progress")
    first = journal.first_check_week
    if first is not None and week < first:
        messages.info(
            request, f"Your starting point is your week {first} check: no need for this one."
        )
        return redirect("journal:progress")
    measures = [m for m in Measure.objects.all() if week in m.asked_at_weeks]
    form = ProgressCheckForm(
        request.POST or None, measures=measures, week=week, activities=journal.activities
    )
    if request.method == "POST" and form.is_valid():
        by_key = {measure.key: measure for measure in measures}
        with transaction.atomic():
            check, created = ProgressCheck.objects.get_or_create(user=request.user, week=week)
            if created:
                Answer.objects.bulk_create(
                    Answer(progress_check=check, measure=by_key[key], item=item, value=value)
                    for key, item, value in form.answers()
                )
        messages.success(request, "Thank you: your progress check is saved.")
        return redirect("journal:progress")
    return render(
        request,
        "journal/check.html",
        {"form": form, "week": week, "measures": measures, "program": viewer.program},
    )


@staff_member_required
@require_safe
def clients_page(request):
    program = Program.current(for_members=True)
    key = program and pages.page_key(
        request, request.user, program, clients.roster_version(program)
    )
    if response := pages.kept_response(key):
        return response
    sort, flag = request.GET.get("sort", "flags"), request.GET.get("flag", "")
    rows = clients.client_rows(sort=sort, flag=flag, program=program)
    response = render(request, "journal/clients.html", {"rows": rows, "sort": sort, "flag": flag})
    pages.keep(key, request, response, until=timezone.now() + clients.CLOCK_SLACK)
    return response


@staff_member_required
@require_safe
def client_progress(request, enrollment_id):
    enrollment = get_object_or_404(Enrollment.objects.with_schedule(), pk=enrollment_id)
    journal = Journal.for_enrollment(enrollment, enrollment.program.week_count)
    context = _progress_context(enrollment.program, journal) | {"client": enrollment.user}
    return render(request, "journal/progress.html", context)


# The client's own data ------------------------------------------------------------------
EXPORT_FIELDS = ["record", "when", "class", "week", "item", "value", "effort", "note"]


def _row(record, when, **fields) -> dict:
    return {field: "" for field in EXPORT_FIELDS} | {"record": record, "when": when} | fields


def _exported_rows(user) -> list[dict]:
    """Everything the client entered: practices with their check-ins, progress-check answers,
    and the classes they marked done."""
    rows = [
        _row(
            "practice",
            practice.practised_at,
            **{"class": practice.lesson.title},
            item="pain right now",
            value=practice.pain,
            effort=practice.get_effort_display(),
            note=practice.note,
        )
        for practice in Practice.objects.filter(user=user).select_related("lesson")
    ]
    answers = Answer.objects.filter(progress_check__user=user).select_related(
        "progress_check", "measure"
    )
    rows += [
        _row(
            f"progress check: {answer.measure.name}",
            answer.progress_check.taken_at,
            week=answer.progress_check.week,
            item=answer.item or answer.measure.labels.get(str(answer.value), ""),
            value=answer.value,
        )
        for answer in answers
    ]
    rows += [
        _row("class done", completion.completed_at, **{"class": completion.lesson.title})
        for completion in Completion.objects.filter(user=user).select_related("lesson")
    ]
    return sorted(rows, key=lambda row: row["when"])


@login_required
@require_safe
def export(request, fmt):
    rows = _exported_rows(request.user)
    if fmt == "json":
        content = json.dumps(rows, cls=DjangoJSONEncoder, indent=1)
        response = HttpResponse(content, content_type="application/json")
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        zone = request.user.zone
        writer.writerows({**row, "when": row["when"].astimezone(zone).isoformat()} for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-journal.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def delete_journal(request):
    """Delete what the client recorded (practices and progress checks) after they confirm.
    The classes they marked done stay: that is their progress through what they paid for."""
    if request.method == "POST" and request.POST.get("confirm") == "delete":
        with transaction.atomic():
            Practice.objects.filter(user=request.user).delete()
            ProgressCheck.objects.filter(user=request.user).delete()
        messages.success(request, "Your check-ins and progress checks are deleted.")
        return redirect("accounts:settings")
    counts = {
        "practices": Practice.objects.filter(user=request.user).count(),
        "checks": ProgressCheck.objects.filter(user=request.user).count(),
    }
    return render(request, "journal/delete.html", counts)
