import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from programs.models import Completion
from tests.factories import UserFactory, enroll_days_ago


@pytest.fixture
def day_three_client(program):
    user = UserFactory(first_name="Erin")
    enroll_days_ago(user, program, 2)
    return user


def _finish(user, lessons):
    for lesson in lessons:
        Completion.objects.create(user=user, lesson=lesson)


def test_finishing_week_one_on_day_three_shows_full_progress(client, day_three_client, program):
    _finish(day_three_client, program.lessons.filter(week__number=1))
    client.force_login(day_three_client)
    page = client.get(reverse("programs:dashboard")).content.decode()
    assert "<strong>3 of 24</strong> classes done" in page
    assert "3 of 3 done" in page
    assert "Up to date" in page
    assert "Week 2 opens" in page


def test_bonus_classes_never_count_against_progress(client, day_three_client, program):
    _finish(day_three_client, program.lessons.filter(week__isnull=True))
    client.force_login(day_three_client)
    page = client.get(reverse("programs:dashboard")).content.decode()
    assert "<strong>0 of 24</strong> classes done" in page


def test_continue_points_at_the_first_open_class_not_done(client, alice, program):
    week_one = list(program.lessons.filter(week__number=1).order_by("position"))
    _finish(alice, week_one[:2])
    client.force_login(alice)
    response = client.get(reverse("programs:dashboard"))
    assert response.context["outline"].continue_with.lesson == week_one[2]
    page = response.content.decode()
    assert "Week 1 · Class 3" in page
    assert page.index("Continue") < page.index(week_one[2].title) < page.index("This week")


def test_marking_a_class_done_and_undone_changes_progress(client, alice, program):
    lesson = program.lessons.filter(week__number=2).first()
    client.force_login(alice)
    response = client.post(
        reverse("programs:lesson_done", args=[lesson.slug]), {"done": "1"}, follow=True
    )
    assert "You finished this class" in response.content.decode()
    page = client.get(reverse("programs:dashboard")).content.decode()
    assert "<strong>1 of 24</strong> classes done" in page

    client.post(reverse("programs:lesson_done", args=[lesson.slug]), {"done": "0"})
    assert not Completion.objects.filter(user=alice).exists()


def test_marking_done_twice_keeps_one_completion(client, alice, program):
    lesson = program.lessons.filter(week__number=1).first()
    client.force_login(alice)
    for _ in range(2):
        client.post(reverse("programs:lesson_done", args=[lesson.slug]), {"done": "1"})
    assert Completion.objects.filter(user=alice, lesson=lesson).count() == 1


def test_changing_time_zone_in_settings_moves_the_opening_time(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("accounts:settings"), {"first_name": "Alice", "time_zone": "Asia/Tokyo"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.time_zone == "Asia/Tokyo"
    assert "Times are Tokyo time" in client.get(reverse("programs:dashboard")).content.decode()


def test_an_unknown_time_zone_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:settings"), {"time_zone": "Mars/Olympus"})
    assert "Select a valid choice" in response.content.decode()
    alice.refresh_from_db()
    assert alice.time_zone == "America/New_York"


def test_progress_never_goes_back_the_morning_a_week_opens(client, db, program):
    """Counts over the whole program only grow: a week opening adds open classes, never a drop."""
    user = UserFactory(time_zone="America/New_York")
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    with time_machine.travel(start, tick=False):
        enroll_days_ago(user, program, 0)
    _finish(user, program.lessons.filter(week__number=1))
    client.force_login(user)

    seen = []
    for moment in [start + dt.timedelta(days=6, hours=20), start + dt.timedelta(days=7)]:
        with time_machine.travel(moment, tick=False):
            outline = client.get(reverse("programs:dashboard")).context["outline"]
            seen.append((outline.done_count, outline.total_week_lessons, outline.not_open_count))

    assert seen == [(3, 24, 21), (3, 24, 18)]


def test_done_next_class_moves_on_and_the_last_class_ends_on_the_week(client, alice, program):
    first, second, last = program.lessons.filter(week__number=2).order_by("position")
    client.force_login(alice)

    moved = client.post(
        reverse("programs:lesson_done", args=[first.slug]), {"done": "1", "then": "next"}
    )
    assert moved.headers["Location"] == second.get_absolute_url()

    client.post(reverse("programs:lesson_done", args=[second.slug]), {"done": "1", "then": "next"})
    ended = client.post(
        reverse("programs:lesson_done", args=[last.slug]),
        {"done": "1", "then": "next"},
        follow=True,
    )

    assert ended.redirect_chain[-1][0] == reverse("programs:week", args=[2])
    page = ended.content.decode()
    assert "Week 2 done!" in page
    assert "You did all 3 of its classes" in page
    assert "Week 3" in page and "opens" in page
    assert Completion.objects.filter(user=alice).count() == 3
