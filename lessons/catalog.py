"""The program's content as every client sees it, built once per content version.

Weeks, classes and exercises change only when the instructor saves them, and each such save
gives the program a new `content_version` in the same transaction (the receiver below and
`ContentQuerySet`). Pages read the version with the program row they load anyway, then take the
content from this process's copy for that version: no query for it, and never an old copy, on
any web node.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string

from lib.kept import KeptVersions

from .models import Exercise, Lesson, Program, Week, new_content_version

# The current version, for clients and for staff's draft preview, and the ones before while
# requests that began under them finish.
_catalogs = KeptVersions()


@dataclass
class Catalog:
    """Weeks in order, each with `classes`; bonus classes; every class's exercises. The objects
    are shared by every request of this process: read them, never change them."""

    program: Program
    weeks: list[Week]
    bonus: list[Lesson]
    _exercises: dict[int, list[Exercise]] = field(repr=False)
    _html: dict[tuple, str] = field(default_factory=dict, repr=False)

    @cached_property
    def _by_slug(self) -> dict[str, Lesson]:
        return {lesson.slug: lesson for lesson in self.lessons}

    @property
    def lessons(self) -> list[Lesson]:
        """Every class, weeks first, in program order."""
        return [lesson for week in self.weeks for lesson in week.classes] + self.bonus

    def lesson(self, slug: str) -> Lesson | None:
        return self._by_slug.get(slug)

    def week(self, number: int) -> Week | None:
        return next((week for week in self.weeks if week.number == number), None)

    def exercises(self, lesson: Lesson) -> list[Exercise]:
        return self._exercises.get(lesson.pk, [])

    def classes_beside(self, lesson: Lesson) -> list[Lesson]:
        """The class's week (or the bonus classes), in order."""
        return lesson.week.classes if lesson.week else self.bonus

    def html(self, template_name: str, lesson: Lesson) -> str:
        """A part of the class page that is the same for every client (its notes, its exercise
        list), rendered once per version."""
        key = (template_name, lesson.pk)
        if key not in self._html:
            context = {"lesson": lesson, "exercises": self.exercises(lesson)}
            self._html[key] = render_to_string(template_name, context)
        return self._html[key]


def catalog(program: Program, *, drafts: bool = False) -> Catalog:
    """The program's published content (with `drafts`, staff's preview of drafts too)."""
    key = (program.pk, program.content_version, drafts)
    return _catalogs.get(key, lambda: _build(program, drafts))


def _build(program: Program, drafts: bool) -> Catalog:
    weeks = list(program.weeks.visible(drafts=drafts).order_by("number"))
    week_by_id = {week.pk: week for week in weeks}
    for week in weeks:
        week.program = program
        week.classes = []
    bonus = []
    lessons = list(Lesson.objects.visible(drafts=drafts).filter(program=program).in_order())
    for lesson in lessons:
        lesson.program = program
        if lesson.week_id is None:
            bonus.append(lesson)
        elif lesson.week_id in week_by_id:
            lesson.week = week_by_id[lesson.week_id]
            lesson.week.classes.append(lesson)
        # Else its week was published between the two reads: this copy is of the version read
        # before, and the publishing gave the next request a new version to build.
    exercises: dict[int, list[Exercise]] = {}
    for exercise in Exercise.objects.filter(lesson__in=lessons).order_by("position", "id"):
        exercises.setdefault(exercise.lesson_id, []).append(exercise)
    for lesson in lessons:
        lesson.exercise_count = len(exercises.get(lesson.pk, ()))
    return Catalog(program, weeks, bonus, exercises)


@receiver([post_save, post_delete], sender=Program)
@receiver([post_save, post_delete], sender=Week)
@receiver([post_save, post_delete], sender=Lesson)
@receiver([post_save, post_delete], sender=Exercise)
def content_changed(sender, **kwargs):
    new_content_version()
