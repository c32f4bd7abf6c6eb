from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lessons.models import Lesson

from .access import PREVIEW_SESSION_KEY, get_viewer, locked_response, member_required
from .forms import PreviewForm
from .models import Program
from .progress import build_outline


def sales(request):
    program = Program.current_or_404()
    viewer = get_viewer(request, program) if request.user.is_authenticated else None
    context = {
        "program": program,
        "weeks": program.weeks.all(),
        "bonus_lessons": Lesson.objects.filter(program=program, week__isnull=True).order_by(
            "position", "id"
        ),
        "class_count": Lesson.objects.filter(program=program, week__isnull=False).count(),
        "viewer": viewer,
    }
    return render(request, "programs/sales.html", context)


@member_required
def dashboard(request, viewer):
    outline = build_outline(viewer)
    return render(
        request,
        "programs/dashboard.html",
        {"viewer": viewer, "outline": outline, "preview_form": PreviewForm()},
    )


@member_required
def week_detail(request, viewer, number):
    outline = build_outline(viewer)
    row = outline.week(number)
    if row is None:
        raise Http404("There is no such week in the program.")
    if not row.is_open:
        return locked_response(request, viewer, number, f"Week {number}")
    return render(request, "programs/week.html", {"viewer": viewer, "outline": outline, "row": row})


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
