import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from lessons.models import Exercise, Lesson, Program, Week
from lessons.tasks import render_exercise_pdfs_on_commit
from programs import demo_content as content
from programs.demo_images import draw_exercise_image
from programs.models import Enrollment
from programs.roles import create_instructor
from programs.services import enroll

DEMO_PASSWORD = "heal-your-hips-demo"  # noqa: S105 - printed by `make run`, demo only
INSTRUCTOR_EMAIL = "instructor@example.com"
CLIENT_EMAIL = "client@example.com"
CLIENT_DAYS_IN = 10


class Command(BaseCommand):
    help = "Load the demo program, an instructor and a client on day 11. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        program, _ = Program.objects.update_or_create(
            slug=content.PROGRAM["slug"], defaults=content.PROGRAM
        )
        for number, (title, summary, classes) in enumerate(content.WEEKS, start=1):
            week, _ = Week.objects.update_or_create(
                program=program, number=number, defaults={"title": title, "summary": summary}
            )
            for position, (class_title, class_summary, minutes, exercises) in enumerate(classes):
                lesson = self._lesson(
                    program,
                    week,
                    class_title,
                    slugify(class_title),
                    class_summary,
                    minutes,
                    position,
                )
                self._exercises(lesson, [(name, "", {"sets": 2, "reps": 10}) for name in exercises])

        title, slug, summary, minutes, exercises = content.FOOT_AND_ANKLE
        foot = self._lesson(program, None, title, slug, summary, minutes, 0)
        self._exercises(foot, exercises)
        for position, (title, slug, summary, minutes, names) in enumerate(
            content.OTHER_BONUS, start=1
        ):
            lesson = self._lesson(program, None, title, slug, summary, minutes, position)
            self._exercises(lesson, [(name, "", {"sets": 2, "hold_seconds": 30}) for name in names])

        create_instructor(INSTRUCTOR_EMAIL, DEMO_PASSWORD, first_name="Maya")
        self._demo_client(program)
        for lesson_id in program.lessons.values_list("pk", flat=True):
            render_exercise_pdfs_on_commit(lesson_id)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo program ready: {program.weeks.count()} weeks, "
                f"{program.lessons.count()} classes, "
                f"{Exercise.objects.filter(lesson__program=program).count()} exercises."
            )
        )

    def _lesson(self, program, week, title, slug, summary, minutes, position):
        lesson, _ = Lesson.objects.update_or_create(
            slug=slug,
            defaults={
                "program": program,
                "week": week,
                "title": title,
                "summary": summary,
                "position": position,
                "duration_minutes": minutes,
                "notes": content.CLASS_NOTES,
                "video_url": content.VIDEO_FILE,
            },
        )
        if not lesson.captions:
            lesson.captions.save(f"{slug}.vtt", ContentFile(content.VIDEO_CAPTIONS.encode()))
        return lesson

    def _exercises(self, lesson, exercises):
        for position, (name, first_cue, dose) in enumerate(exercises):
            exercise, created = Exercise.objects.update_or_create(
                lesson=lesson,
                position=position,
                defaults={
                    "name": name,
                    "cues": "\n".join(filter(None, [first_cue, content.CUES["default"]])),
                    "image_alt": f"Illustration of a person doing the {name.lower()} exercise.",
                    **dose,
                },
            )
            if created or not exercise.image:
                exercise.image = SimpleUploadedFile(
                    f"{slugify(name)}.png", draw_exercise_image(name), content_type="image/png"
                )
                exercise.save()

    def _demo_client(self, program):
        user, _ = get_user_model().objects.get_or_create(
            email=CLIENT_EMAIL, defaults={"first_name": "Jo"}
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        today = timezone.now().astimezone(user.zone).date()
        enrollment, _ = enroll(user, program, source=Enrollment.Source.COMP)
        enrollment.starts_on = today - dt.timedelta(days=CLIENT_DAYS_IN)
        enrollment.save(update_fields=["starts_on"])
