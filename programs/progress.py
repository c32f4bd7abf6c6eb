"""The client's map of the program: which weeks are open, what is done, what comes next.

Built from a fixed number of queries however large the program is.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch

from lessons.models import Lesson

from .access import Viewer


@dataclass
class LessonRow:
    lesson: Lesson
    done: bool


@dataclass
class WeekRow:
    week: object
    is_open: bool
    opens_at: dt.datetime | None
    lessons: list[LessonRow]

    @property
    def done_count(self) -> int:
        return sum(row.done for row in self.lessons)

    @property
    def has_exercises(self) -> bool:
        return any(row.lesson.exercise_count for row in self.lessons)

    @property
    def is_complete(self) -> bool:
        return bool(self.lessons) and self.done_count == len(self.lessons)


@dataclass
class Outline:
    weeks: list[WeekRow]
    bonus: list[LessonRow]

    @property
    def open_week_lessons(self) -> list[LessonRow]:
        return [row for week in self.weeks if week.is_open for row in week.lessons]

    @property
    def open_done_count(self) -> int:
        return sum(row.done for row in self.open_week_lessons)

    @property
    def percent_of_open(self) -> int:
        """Progress through what is open now; bonus classes never count against it."""
        total = len(self.open_week_lessons)
        return round(100 * self.open_done_count / total) if total else 0

    @property
    def total_week_lessons(self) -> int:
        return sum(len(week.lessons) for week in self.weeks)

    @property
    def current_week(self) -> WeekRow | None:
        open_weeks = [week for week in self.weeks if week.is_open]
        return open_weeks[-1] if open_weeks else None

    @property
    def next_week(self) -> WeekRow | None:
        return next((week for week in self.weeks if not week.is_open), None)

    @property
    def continue_with(self) -> Lesson | None:
        """The first open class not yet done, in program order."""
        return next((row.lesson for row in self.open_week_lessons if not row.done), None)

    def week(self, number: int) -> WeekRow | None:
        return next((week for week in self.weeks if week.week.number == number), None)


def build_outline(viewer: Viewer) -> Outline:
    ordered = viewer.lessons().annotate(exercise_count=Count("exercises")).in_order()
    weeks = viewer.weeks().prefetch_related(Prefetch("lessons", queryset=ordered))
    done = viewer.completed_lesson_ids
    week_rows = [
        WeekRow(
            week=week,
            is_open=viewer.can_open_week(week.number),
            opens_at=viewer.opens_at(week.number),
            lessons=[LessonRow(lesson, lesson.id in done) for lesson in week.lessons.all()],
        )
        for week in weeks
    ]
    bonus = ordered.bonus(viewer.program, drafts=viewer.sees_drafts)
    return Outline(week_rows, [LessonRow(lesson, lesson.id in done) for lesson in bonus])
