from django.core.management.base import BaseCommand

from lessons.models import ExercisePdf, Lesson, Week
from lessons.sheets import ExerciseSheet


class Command(BaseCommand):
    help = (
        "Render the exercise PDF of every class and week that has exercises, and delete the "
        "files of older content. Run after changing the print templates."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Render again even where a PDF of the current content exists "
            "(after a font or system library upgrade, which the content hash cannot see).",
        )

    def handle(self, *args, force=False, **options):
        lessons = Lesson.objects.select_related("program", "week").prefetch_related("exercises")
        weeks = Week.objects.select_related("program")
        sheets = [ExerciseSheet.for_lesson(lesson) for lesson in lessons]
        sheets += [ExerciseSheet.for_week(week) for week in weeks]
        rendered = sum(ExercisePdf.objects.refresh(sheet, rerender=force) for sheet in sheets)
        self.stdout.write(self.style.SUCCESS(f"{rendered} exercise PDFs are up to date."))
