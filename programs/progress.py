"""The client's map of the program: which weeks are open, what is done, what comes next.

Built from a fixed number of queries however large the program is.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect

from lessons.models import Lesson

from .access import Viewer


@dataclass
class LessonRow:
    lesson: Lesson
    done: bool
    number: int  # its place in its week (or among the bonus classes), from 1

    @property
    def label(self) -> str:
        """ "Week 2 · Class 3", or "Bonus class" """
        week = self.lesson.week
        return f"Week {week.number} · Class {self.number}" if week else "Bonus class"


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
    def done_count(self) -> int:
        """Classes done in the whole program: it only grows as weeks open (bonus classes aside)."""
        return sum(row.done for week in self.weeks for row in week.lessons)

    @property
    def total_week_lessons(self) -> int:
        return sum(len(week.lessons) for week in self.weeks)

    @property
    def open_not_done_count(self) -> int:
        return sum(not row.done for row in self.open_week_lessons)

    @property
    def not_open_count(self) -> int:
        return self.total_week_lessons - len(self.open_week_lessons)

    @property
    def current_week(self) -> WeekRow | None:
        open_weeks = [week for week in self.weeks if week.is_open]
        return open_weeks[-1] if open_weeks else None

    @property
    def next_week(self) -> WeekRow | None:
        return next((week for week in self.weeks if not week.is_open), None)

    @property
    def continue_with(self) -> LessonRow | None:
        """The first open class not yet done, in program order: what to do next."""
        return next((row for row in self.open_week_lessons if not row.done), None)

    def week(self, number: int) -> WeekRow | None:
        return next((week for week in self.weeks if week.week.number == number), None)


def build_outline(viewer: Viewer) -> Outline:
    """The content comes from the viewer's catalog; only the ticks are queried."""
    done = viewer.completed_lesson_ids
    week_rows = [
        WeekRow(
            week=week,
            is_open=viewer.can_open_week(week.number),
            opens_at=viewer.opens_at(week.number),
            lessons=lesson_rows(week.classes, done),
        )
        for week in viewer.catalog.weeks
    ]
    return Outline(week_rows, lesson_rows(viewer.catalog.bonus, done))


def lesson_rows(lessons, done_ids: set[int]) -> list[LessonRow]:
    return [
        LessonRow(lesson, lesson.id in done_ids, number)
        for number, lesson in enumerate(lessons, start=1)
    ]


def classes_around(viewer: Viewer, lesson: Lesson) -> tuple[list[LessonRow], int]:
    """The class's week (or the bonus classes) as rows with ticks, and the class's index."""
    siblings = viewer.catalog.classes_beside(lesson)
    rows = lesson_rows(siblings, viewer.completed_lesson_ids)
    return rows, next(i for i, row in enumerate(rows) if row.lesson.pk == lesson.pk)


def continue_after(request, viewer: Viewer, lesson: Lesson):
    """Where a client goes once a class is done: the same class ("Mark done and stay here"), the
    next class ("Done, next class"), or, after a week's last class, the week's page, which
    celebrates and says what comes next and when."""
    if request.POST.get("then") != "next":
        messages.success(request, f"Nice work: “{lesson.title}” is marked done.")
        return redirect(lesson)
    rows, index = classes_around(viewer, lesson)
    if index + 1 < len(rows):
        messages.success(request, f"“{lesson.title}” is done. On to the next one.")
        return redirect(rows[index + 1].lesson)
    return redirect(lesson.week if lesson.week else "programs:dashboard")
