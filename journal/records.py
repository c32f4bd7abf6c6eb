"""A client's journal gathered for reading: sessions and pain by program week, the progress
checks, what changed, and whether to show the gentle safety message.

The client's own page and the instructor's Clients page read the same `Journal`, so their numbers
always agree, and both load it in a fixed number of queries however much there is.
"""

import bisect
import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Max, Prefetch
from django.utils import timezone

from programs.models import Completion

from .models import Answer, Practice, ProgressCheck
from .outcomes import ActivityChange, PainChange

NPRS, PSFS, GRC = "nprs-week", "psfs", "grc"
HIGH_PAIN = 7
RISE_OVER_BASELINE = 2
QUIET_DAYS = 7
CHECK_GRACE_DAYS = 3


@dataclass
class WeekRow:
    number: int
    sessions: int = 0
    pains: list[int] = field(default_factory=list)

    @property
    def mean_pain(self) -> float | None:
        return round(statistics.fmean(self.pains), 1) if self.pains else None


@dataclass
class Journal:
    enrollment: object
    practices: list[Practice]  # oldest first
    checks: dict[int, ProgressCheck]
    week_count: int
    last_done: dt.datetime | None = None  # the last class marked done

    @classmethod
    def for_enrollment(cls, enrollment, week_count: int) -> "Journal":
        return journals_for([enrollment], week_count)[enrollment.user_id]

    # Program weeks -----------------------------------------------------------------------
    def week_of(self, moment: dt.datetime) -> int:
        """The program week a moment falls in, by the one unlock rule (pauses included)."""
        return max(bisect.bisect_right(self.weeks_open_at, moment), 1)

    @cached_property
    def weeks_open_at(self) -> list[dt.datetime]:
        """When each week opens: worked out once, not for every practice."""
        return [self.enrollment.week_opens_at(n) for n in range(1, self.week_count + 1)]

    @cached_property
    def weeks(self) -> list[WeekRow]:
        rows = [WeekRow(number) for number in range(1, self.week_count + 1)]
        for practice in self.practices:
            row = rows[self.week_of(practice.practised_at) - 1]
            row.sessions += 1
            if practice.pain is not None:
                row.pains.append(practice.pain)
        return rows

    def current_week(self, now: dt.datetime | None = None) -> int:
        return self.week_of(now or timezone.now())

    # Measures ----------------------------------------------------------------------------
    def answers(self, week: int, key: str) -> list[Answer]:
        check = self.checks.get(week)
        return [a for a in check.answers.all() if a.measure.key == key] if check else []

    def nprs(self, week: int) -> int | None:
        return next((a.value for a in self.answers(week, NPRS)), None)

    def psfs(self, week: int) -> dict[str, int]:
        return {a.item: a.value for a in self.answers(week, PSFS)}

    def psfs_mean(self, week: int) -> float | None:
        ratings = list(self.psfs(week).values())
        return round(statistics.fmean(ratings), 1) if ratings else None

    def grc(self, week: int) -> int | None:
        return next((a.value for a in self.answers(week, GRC)), None)

    @property
    def first_check_week(self) -> int | None:
        """The client's starting point: week 0's check, or the first one they took."""
        return min(self.checks) if self.checks else None

    @property
    def latest_check_week(self) -> int | None:
        later = [week for week in self.checks if week != self.first_check_week]
        return max(later) if later else None

    @property
    def activities(self) -> list[str]:
        """The activities named at the starting point, asked again at the later checks."""
        first = self.first_check_week
        return [] if first is None else list(self.psfs(first))

    @property
    def pain_change(self) -> PainChange | None:
        first, latest = self.first_check_week, self.latest_check_week
        if latest is None or self.nprs(first) is None or self.nprs(latest) is None:
            return None
        return PainChange(self.nprs(first), self.nprs(latest))

    @property
    def activity_change(self) -> ActivityChange | None:
        first, latest = self.first_check_week, self.latest_check_week
        if latest is None or self.psfs_mean(first) is None or self.psfs_mean(latest) is None:
            return None
        return ActivityChange(self.psfs_mean(first), self.psfs_mean(latest))

    @property
    def rating_of_change(self) -> str | None:
        """The latest "Since you started, your hip is…" answer, in its words."""
        latest = self.latest_check_week or self.first_check_week
        answer = next(iter(self.answers(latest, GRC)), None) if latest is not None else None
        return answer.measure.labels.get(str(answer.value)) if answer else None

    # Pain after sessions -----------------------------------------------------------------
    @property
    def pains(self) -> list[int]:
        return [p.pain for p in self.practices if p.pain is not None]

    @property
    def baseline_pain(self) -> int | None:
        """The start's weekly pain, or the first check-in's when the client skipped the check."""
        start = self.nprs(0)
        return start if start is not None else (self.pains[0] if self.pains else None)

    @property
    def latest_pain(self) -> int | None:
        return self.pains[-1] if self.pains else None

    @property
    def pain_trend(self) -> int | None:
        """The latest check-in against the one before: + is more pain."""
        return self.pains[-1] - self.pains[-2] if len(self.pains) >= 2 else None

    @property
    def needs_care(self) -> bool:
        """Pain of 7 or more, or 2+ above the baseline on the last two check-ins in a row."""
        if self.latest_pain is not None and self.latest_pain >= HIGH_PAIN:
            return True
        baseline, last_two = self.baseline_pain, self.pains[-2:]
        return (
            baseline is not None
            and len(last_two) == 2
            and all(pain >= baseline + RISE_OVER_BASELINE for pain in last_two)
        )

    # For the instructor ------------------------------------------------------------------
    @property
    def last_practice(self) -> dt.datetime | None:
        """The last practice logged or class marked done (a class done is a practice too)."""
        moments = [self.practices[-1].practised_at] if self.practices else []
        moments += [self.last_done] if self.last_done else []
        return max(moments, default=None)

    def sessions_this_week(self, now: dt.datetime | None = None) -> int:
        return self.weeks[self.current_week(now) - 1].sessions

    def due_check(self, now: dt.datetime | None = None) -> int | None:
        """The progress check the client should take now (week 0 from the start, 4 and 8 once
        that week opens), if not taken yet."""
        return ProgressCheck.due_week(self.enrollment.open_week_limit(now), set(self.checks))

    def overdue_check(self, now: dt.datetime | None = None) -> int | None:
        now = now or timezone.now()
        week = self.due_check(now)
        if week is None:
            return None
        opened_at = self.enrollment.week_opens_at(max(week, 1))
        return week if now - opened_at >= dt.timedelta(days=CHECK_GRACE_DAYS) else None

    def flags(self, now: dt.datetime | None = None) -> list[str]:
        now = now or timezone.now()
        flags = []
        last = self.last_practice or self.enrollment.week_opens_at(1)
        if now - last >= dt.timedelta(days=QUIET_DAYS):
            flags.append(f"no practice in {QUIET_DAYS} days")
        if self.needs_care:
            flags.append("pain rising" if (self.latest_pain or 0) < HIGH_PAIN else "pain 7+")
        if self.overdue_check(now) is not None:
            flags.append("check overdue")
        return flags


def journals_for(enrollments, week_count: int) -> dict[int, Journal]:
    """Journals of many clients in four queries, keyed by user id."""
    users = [enrollment.user_id for enrollment in enrollments]
    last_done = dict(
        Completion.objects.filter(user__in=users)
        .values("user")
        .annotate(last=Max("completed_at"))
        .values_list("user", "last")
    )
    practices = defaultdict(list)
    for practice in (
        Practice.objects.filter(user__in=users)
        .select_related("lesson")
        .order_by("practised_at", "id")
    ):
        practices[practice.user_id].append(practice)
    checks = defaultdict(dict)
    answers = Answer.objects.select_related("measure").order_by("id")
    for check in ProgressCheck.objects.filter(user__in=users).prefetch_related(
        Prefetch("answers", queryset=answers)
    ):
        checks[check.user_id][check.week] = check
    return {
        enrollment.user_id: Journal(
            enrollment,
            practices[enrollment.user_id],
            checks[enrollment.user_id],
            week_count,
            last_done.get(enrollment.user_id),
        )
        for enrollment in enrollments
    }
