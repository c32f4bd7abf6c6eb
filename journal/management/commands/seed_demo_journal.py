"""Believable journal data for the demo (run by `make run` after `seed_demo`): the demo client's
starting check and ten days of check-ins with pain easing (the classes practised marked done),
and a second client whose pain is rising, so the instructor's Clients page has someone flagged.
Idempotent: replaces the journal it made."""

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from lessons.models import Program
from programs.management.commands.seed_demo import CLIENT_EMAIL, DEMO_PASSWORD
from programs.models import Completion, Enrollment
from programs.services import enroll

from ...models import Answer, Measure, Practice, ProgressCheck

FLAGGED_EMAIL = "sam@example.com"
# (days after the start, pain after the session, how it felt)
EASING = [(0, 5, "about_right"), (2, 5, "too_hard"), (4, 4, "about_right"), (7, 4, "about_right"),
          (8, 3, "about_right"), (9, 3, "too_easy")]  # fmt: skip
RISING = [(0, 3, "about_right"), (3, 4, "too_hard"), (9, 6, "too_hard"), (12, 6, "too_hard")]


class Command(BaseCommand):
    help = "Give the demo clients a few weeks of believable journal entries."

    @transaction.atomic
    def handle(self, *args, **options):
        program = Program.current(for_members=True)
        jo = get_user_model().objects.filter(email=CLIENT_EMAIL).first()
        if program is None or jo is None:
            raise CommandError("Run `manage.py seed_demo` first.")
        self._journal(jo, program, EASING, start=(6, [("Putting on socks", 3),
                      ("Climbing stairs", 4), ("A 30-minute walk", 5)]))  # fmt: skip
        sam = self._client(FLAGGED_EMAIL, "Sam", program, days_in=16)
        self._journal(sam, program, RISING, start=(4, [("Getting out of the car", 5)]))
        self.stdout.write("The demo journal is ready: client@example.com and sam@example.com.")

    def _client(self, email, first_name, program, days_in):
        user, _ = get_user_model().objects.get_or_create(
            email=email, defaults={"first_name": first_name}
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        enrollment, _ = enroll(user, program, source=Enrollment.Source.COMP)
        today = timezone.now().astimezone(user.zone).date()
        enrollment.starts_on = today - dt.timedelta(days=days_in)
        enrollment.save(update_fields=["starts_on"])
        return user

    def _journal(self, user, program, sessions, start):
        enrollment = user.enrollments.current().get(program=program)
        Practice.objects.filter(user=user).delete()
        ProgressCheck.objects.filter(user=user).delete()
        lessons = list(program.lessons.visible().filter(week__number__lte=2).in_order())
        for n, (day, pain, effort) in enumerate(sessions):
            when = dt.datetime.combine(
                enrollment.starts_on + dt.timedelta(days=day), dt.time(7, 30), tzinfo=user.zone
            )
            lesson = lessons[n % len(lessons)]
            Practice.objects.create(
                user=user, lesson=lesson, practised_at=when, pain=pain, effort=effort
            )
            done, _ = Completion.objects.get_or_create(user=user, lesson=lesson)
            Completion.objects.filter(pk=done.pk, completed_at__gt=when).update(completed_at=when)
        weekly_pain, activities = start
        check = ProgressCheck.objects.create(
            user=user,
            week=0,
            taken_at=dt.datetime.combine(enrollment.starts_on, dt.time(7), tzinfo=user.zone),
        )
        measures = {measure.key: measure for measure in Measure.objects.all()}
        Answer.objects.create(
            progress_check=check, measure=measures["nprs-week"], value=weekly_pain
        )
        for activity, rating in activities:
            Answer.objects.create(
                progress_check=check, measure=measures["psfs"], item=activity, value=rating
            )
