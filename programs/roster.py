"""The instructor's view of her clients: where each one is, what they have done, when they were
last active. Built for lists: a fixed number of queries however many clients there are."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from lessons.models import Lesson, Status, Week

from .models import Completion, Enrollment

INACTIVE_AFTER = dt.timedelta(days=7)


def with_activity(enrollments):
    """Annotate `classes_done` (week classes of the program the client marked done) and
    `last_done_at` (their latest), as subqueries so neither multiplies the other."""
    done = Completion.objects.filter(
        user=OuterRef("user"),
        lesson__program=OuterRef("program"),
        lesson__in=Lesson.objects.visible().filter(week__isnull=False),
    )
    return enrollments.prefetch_related("pauses").annotate(
        classes_done=Coalesce(
            Subquery(
                done.order_by().values("user").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
        last_done_at=Subquery(
            done.order_by().values("user").annotate(last=Max("completed_at")).values("last")
        ),
    )


@dataclass
class ProgramShape:
    """How many published classes each week of a program has."""

    classes_by_week: dict[int, int] = field(default_factory=dict)

    @property
    def last_week(self) -> int:
        return max(self.classes_by_week, default=0)

    def open_classes(self, week_limit: int) -> int:
        return sum(n for week, n in self.classes_by_week.items() if week <= week_limit)


@dataclass
class Roster:
    """One client's line in the list, from an enrollment annotated by `with_activity`."""

    enrollment: Enrollment
    shape: ProgramShape
    at: dt.datetime

    @property
    def week(self) -> int:
        """The week the client is in: 0 before their start day."""
        return min(self.enrollment.open_week_limit(self.at), self.shape.last_week)

    @property
    def is_finished(self) -> bool:
        """One interval after the last week opened, as the "program complete" email says; with
        every week unlocked early, still that calendar date."""
        return self.at >= self.enrollment.week_opens_at(self.shape.last_week + 1)

    @property
    def open_classes(self) -> int:
        return self.shape.open_classes(self.week)

    @property
    def last_activity(self) -> dt.datetime | None:
        moments = [self.enrollment.last_done_at, self.enrollment.user.last_login]
        return max((moment for moment in moments if moment), default=None)

    @property
    def is_inactive(self) -> bool:
        last = self.last_activity
        return last is None or last < self.at - INACTIVE_AFTER


@dataclass
class Opening:
    """A week about to open for some clients, and whether it has anything to show them."""

    number: int
    clients: int
    classes: int


def weeks_opening(within: dt.timedelta, at: dt.datetime | None = None) -> list[Opening]:
    """Weeks of the program (drafts included) that open for a client with access in the next
    `within`, with how many published classes each has."""
    at = at or timezone.now()
    shapes = Shapes()
    weeks = set(Week.objects.exclude(status=Status.ARCHIVED).values_list("program_id", "number"))
    clients = defaultdict(int)
    for enrollment in Enrollment.objects.with_access().with_schedule():
        upcoming = enrollment.open_week_limit(at) + 1
        if (enrollment.program_id, upcoming) not in weeks:
            continue
        if enrollment.week_opens_at(upcoming) <= at + within:
            clients[enrollment.program_id, upcoming] += 1
    return [
        Opening(week, count, shapes[program_id].classes_by_week.get(week, 0))
        for (program_id, week), count in sorted(clients.items())
    ]


class Shapes:
    """Program shapes, read once (one query) the first time any is asked for."""

    def __init__(self):
        self._shapes = None

    def __getitem__(self, program_id: int) -> ProgramShape:
        if self._shapes is None:
            self._shapes = defaultdict(ProgramShape)
            counts = (
                Lesson.objects.visible()
                .filter(week__isnull=False)
                .values_list("program_id", "week__number")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for program_id_, week, n in counts:
                self._shapes[program_id_].classes_by_week[week] = n
        return self._shapes[program_id]

    def line(self, enrollment: Enrollment, at: dt.datetime | None = None) -> Roster:
        return Roster(enrollment, self[enrollment.program_id], at or timezone.now())
