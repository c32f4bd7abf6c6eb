"""Who may see which part of the program, answered once for every page.

Views get a `Viewer` from `member_required`; templates, the PDF download and the dashboard ask it
what is open. The unlock rule itself is `Enrollment.open_week_limit`.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from lessons.catalog import Catalog, catalog
from lessons.models import MAX_WEEKS, Lesson, Program

from . import pages
from .models import Completion, Enrollment, Pause

PREVIEW_SESSION_KEY = "preview_day"
HOUR = dt.timedelta(hours=1)


@dataclass
class Viewer:
    """A signed-in person looking at `program` at instant `at`.

    `enrollment` is None for staff, who see everything; while staff preview "day N", it is an
    unsaved enrollment that started N − 1 days ago, so they see exactly what a client would.
    """

    user: object
    program: Program
    enrollment: Enrollment | None
    at: dt.datetime = field(default_factory=timezone.now)
    preview_day: int | None = None

    @cached_property
    def week_limit(self) -> int:
        return MAX_WEEKS if self.enrollment is None else self.enrollment.open_week_limit(self.at)

    @property
    def sees_everything(self) -> bool:
        return self.enrollment is None

    @property
    def own_enrollment(self) -> Enrollment | None:
        """The client's own enrollment: None for staff, previewing or not (a preview is an
        enrollment that is never saved). Plans, pauses and the journal belong to it."""
        return self.enrollment if self.enrollment is not None and self.enrollment.pk else None

    @property
    def sees_drafts(self) -> bool:
        """Staff see draft weeks and classes (marked as drafts), in preview too; clients never."""
        return self.user.is_staff

    @cached_property
    def catalog(self) -> Catalog:
        """The weeks, classes and exercises this viewer may see, without a query (`catalog`)."""
        return catalog(self.program, drafts=self.sees_drafts)

    def lessons(self):
        return Lesson.objects.visible(drafts=self.sees_drafts)

    def weeks(self):
        return self.program.weeks.visible(drafts=self.sees_drafts)

    def can_open_week(self, number: int) -> bool:
        return number <= self.week_limit

    def can_open(self, lesson: Lesson) -> bool:
        return lesson.is_bonus or self.can_open_week(lesson.week.number)

    def opens_at(self, number: int) -> dt.datetime | None:
        """When week `number` opens; None when no date can be given (a preview without an
        enrollment, or a week held until a missing payment is made)."""
        if self.enrollment is None:
            return None
        opens = self.enrollment.week_opens_at(number)
        held = self.enrollment.new_weeks_held_from
        return None if held is not None and opens > held else opens

    @cached_property
    def unchanged_until(self) -> dt.datetime:
        """Until when the clock alone changes nothing this viewer is shown: the next week's
        opening and the day before it (a week may be repeated then), the client's next midnight
        (a practice day, a pause, a check-in due), an hour at most."""
        zone = self.user.zone
        tomorrow = self.at.astimezone(zone).date() + dt.timedelta(days=1)
        moments = [dt.datetime.combine(tomorrow, dt.time(), tzinfo=zone), self.at + HOUR]
        if self.enrollment is not None:
            opening = self.enrollment.week_opens_at(self.week_limit + 1)
            moments += [opening, opening - Pause.REPEAT_WINDOW]
        return min(moment for moment in moments if moment > self.at)

    @cached_property
    def completed_lesson_ids(self) -> set[int]:
        # The user's ticks, joined to nothing: classes of another program are never asked about.
        return set(Completion.objects.filter(user=self.user).values_list("lesson_id", flat=True))


def get_viewer(request, program: Program) -> Viewer | None:
    user = request.user
    if user.is_staff:
        day = request.session.get(PREVIEW_SESSION_KEY)
        if day is None:
            return Viewer(user, program, enrollment=None)
        # Day N as a client lives it once that morning's unlock has happened.
        local_today = timezone.now().astimezone(user.zone).date()
        at = dt.datetime.combine(local_today, dt.time(program.unlock_hour), tzinfo=user.zone)
        preview = Enrollment(
            user=user, program=program, starts_on=local_today - dt.timedelta(days=day - 1)
        )
        return Viewer(user, program, enrollment=preview, at=at, preview_day=day)
    enrollment = Enrollment.objects.with_access().filter(user=user, program=program).first()
    if enrollment is None:
        return None
    # Already loaded: joining them again would cost more than the query saved.
    enrollment.user, enrollment.program = user, program
    return Viewer(user, program, enrollment)


def member_required(view=None, *, no_access_template=None, kept=False):
    """Let in clients with access (and staff); send everyone else to sign in or to the sales page.

    The view is called as `view(request, viewer, ...)`. With `no_access_template`, a signed-in
    client without access gets that page (status 403) saying why, instead of the redirect: a
    download link followed from a bookmark would otherwise look broken. With `kept`, a client's
    page is kept and served again until something on it changes (`pages`): a kept page was
    built for a client with access, and losing access is a change.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            program = Program.current_or_404(for_members=True)
            # Never staff's: what they see follows the day they preview, kept in their session.
            keeps = kept and not request.user.is_staff
            key = pages.page_key(request, request.user, program) if keeps else None
            if response := pages.kept_response(key):
                return response
            viewer = get_viewer(request, program)
            if viewer is None:
                message = _no_access_message(request.user, program)
                if no_access_template:
                    return render(request, no_access_template, {"message": message}, status=403)
                messages.info(request, message)
                return redirect("programs:sales")
            response = view(request, viewer, *args, **kwargs)
            if key is not None:  # working out `until` reads the client's pauses
                pages.keep(key, request, response, until=viewer.unchanged_until)
            return response

        return wrapper

    return decorator(view) if view else decorator


def _no_access_message(user, program) -> str:
    ended = Enrollment.objects.filter(user=user, program=program).first()
    if ended and ended.status == Enrollment.Status.SUSPENDED:
        return (
            "Your access is paused while a payment question is sorted out. "
            "Reply to any of our emails and we will help."
        )
    if ended and ended.status == Enrollment.Status.REVOKED:
        return "Your access to the program has ended. You are welcome to enroll again."
    return "Enroll in the program to open its classes."


def open_class_required(view=None, *, no_access_template=None, kept=False):
    """`member_required`, then the class named by the URL's `slug`: 404 if the viewer may not
    see it, the friendly locked page if it has not opened for them yet. The view is called as
    `view(request, viewer, lesson, ...)`."""

    def decorator(view):
        @wraps(view)
        def with_lesson(request, viewer, slug, *args, **kwargs):
            lesson = viewer.catalog.lesson(slug)
            if lesson is None:
                raise Http404("There is no such class in the program.")
            if not viewer.can_open(lesson):
                return locked_response(request, viewer, lesson.week.number, lesson.title)
            return view(request, viewer, lesson, *args, **kwargs)

        return member_required(with_lesson, no_access_template=no_access_template, kept=kept)

    return decorator(view) if view else decorator


def locked_response(request, viewer: Viewer, week_number: int, what: str):
    """The friendly page for a week or class that is not open yet: when it opens, nothing else."""
    return render(
        request,
        "programs/locked.html",
        {"viewer": viewer, "what": what, "opens_at": viewer.opens_at(week_number)},
        status=403,
    )
