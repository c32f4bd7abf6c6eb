import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from lessons.models import Exercise, Lesson, Program, Week
from outbox.models import UNFINISHED, Email
from programs.models import Enrollment

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"client{n}@example.com")
    first_name = factory.Faker("first_name")
    time_zone = "America/New_York"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """Clients in tests have confirmed their address, as allauth requires to sign in."""
        if create:
            user.save()
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ["slug"]

    title = "Heal Your Hips"
    slug = "heal-your-hips"
    tagline = "Eight weeks to stronger hips."
    instructor_name = "Maya Ellison"
    price_amount = 14900
    currency = "usd"


class WeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Week

    program = factory.SubFactory(ProgramFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda week: f"Week {week.number} title")


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    program = factory.LazyAttribute(lambda lesson: lesson.week.program if lesson.week else None)
    week = factory.SubFactory(WeekFactory)
    title = factory.Sequence(lambda n: f"Class {n}")
    slug = factory.Sequence(lambda n: f"class-{n}")
    summary = "A short class."
    notes = "Move **slowly**."
    video_url = "https://www.youtube.com/watch?v=abcdefghijk"


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise

    lesson = factory.SubFactory(LessonFactory)
    name = factory.Sequence(lambda n: f"Exercise {n}")
    position = factory.Sequence(lambda n: n)
    cues = "Breathe out on the effort\nKeep the ribs down"
    sets = 2
    reps = 10


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    program = factory.SubFactory(ProgramFactory)
    starts_on = factory.LazyFunction(
        lambda: timezone.now().astimezone(timezone.get_default_timezone()).date()
    )


def build_program(
    weeks=8, classes_per_week=3, bonus=2, exercises_per_class=0, slug="heal-your-hips"
):
    """A program with content, for tests that need the whole shape of a course."""
    program = ProgramFactory(slug=slug)
    for number in range(1, weeks + 1):
        week = WeekFactory(program=program, number=number)
        for position in range(classes_per_week):
            lesson = LessonFactory(program=program, week=week, position=position)
            ExerciseFactory.create_batch(exercises_per_class, lesson=lesson)
    for position in range(bonus):
        lesson = LessonFactory(
            program=program,
            week=None,
            position=position,
            title="Foot & Ankle class" if position == 0 else f"Bonus {position}",
        )
        ExerciseFactory.create_batch(exercises_per_class, lesson=lesson)
    return program


def enroll_days_ago(user, program, days, **kwargs):
    """Enrol `user` so that today is day `days + 1` of the program in their time zone."""
    today = timezone.now().astimezone(user.zone).date()
    return EnrollmentFactory(
        user=user, program=program, starts_on=today - dt.timedelta(days=days), **kwargs
    )


class EmailFactory(factory.django.DjangoModelFactory):
    """An outbox email of kind "unlock", as the sweep records one (pending, due in 10 minutes);
    a finished one is due for nothing."""

    class Meta:
        model = Email

    key = factory.Sequence(lambda n: f"unlock:test:{n}")
    kind = "unlock"
    state = Email.State.PENDING
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")
    due_at = factory.LazyAttribute(
        lambda email: (
            email.created_at + dt.timedelta(minutes=10) if email.state in UNFINISHED else None
        )
    )
    expires_at = factory.LazyAttribute(lambda email: email.created_at + dt.timedelta(days=4))
