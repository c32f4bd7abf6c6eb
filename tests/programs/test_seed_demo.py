from django.core.management import call_command

from accounts.models import User
from lessons.models import Exercise, Lesson, Program, Week
from programs.models import Enrollment


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Program, Week, Lesson, Exercise, Enrollment, User)
    }


def test_seed_demo_twice_gives_the_same_content(db):
    call_command("seed_demo", stdout=None)
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert first["Week"] == 8
    assert all(2 <= week.lessons.count() <= 4 for week in Week.objects.all())
    foot = Lesson.objects.get(slug="foot-and-ankle")
    assert foot.is_bonus and foot.exercises.count() >= 8
    assert all(exercise.image and exercise.image_alt for exercise in foot.exercises.all())


def test_the_demo_client_is_on_day_eleven_with_week_three_locked(db):
    call_command("seed_demo")
    enrollment = Enrollment.objects.get(user__email="client@example.com")
    assert enrollment.open_week_limit() == 2
    instructor = User.objects.get(email="instructor@example.com")
    assert instructor.is_staff and not instructor.is_superuser
    assert instructor.groups.filter(name="Instructors").exists()
