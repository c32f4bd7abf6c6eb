import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from lessons.models import MAX_WEEKS
from programs import services
from tests.factories import EnrollmentFactory, UserFactory, build_program

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
AUCKLAND = zoneinfo.ZoneInfo("Pacific/Auckland")


@pytest.fixture
def new_yorker(program):
    user = UserFactory(time_zone="America/New_York")
    # 2026-03-08 is the US spring-forward day; week 2 opens on 2026-03-08 at 06:00 EDT.
    return EnrollmentFactory(user=user, program=program, starts_on=dt.date(2026, 3, 1))


def test_week_one_opens_as_the_start_day_begins(new_yorker):
    assert new_yorker.open_week_limit(dt.datetime(2026, 2, 28, 23, 59, tzinfo=NEW_YORK)) == 0
    assert new_yorker.open_week_limit(dt.datetime(2026, 3, 1, 0, 0, tzinfo=NEW_YORK)) == 1
    assert new_yorker.open_week_limit(dt.datetime(2026, 3, 8, 5, 59, tzinfo=NEW_YORK)) == 1


def test_week_two_opens_at_six_local_time_across_the_dst_change(new_yorker):
    opens = new_yorker.week_opens_at(2)
    assert opens.astimezone(dt.UTC) == dt.datetime(2026, 3, 8, 10, 0, tzinfo=dt.UTC)  # EDT, UTC-4
    assert new_yorker.week_opens_at(3).astimezone(dt.UTC).hour == 10
    assert new_yorker.week_opens_at(1).astimezone(dt.UTC).hour == 5  # midnight EST, UTC-5
    assert not new_yorker.is_week_open(2, opens - dt.timedelta(seconds=1))
    assert new_yorker.is_week_open(2, opens)


def test_a_client_far_away_gets_each_week_at_six_in_their_own_morning(program):
    user = UserFactory(time_zone="Pacific/Auckland")
    enrollment = EnrollmentFactory(user=user, program=program, starts_on=dt.date(2026, 6, 1))
    # 06:00 in Auckland (NZST, UTC+12) on 8 June is 18:00 UTC on 7 June.
    assert enrollment.week_opens_at(2) == dt.datetime(2026, 6, 8, 6, 0, tzinfo=AUCKLAND)
    assert not enrollment.is_week_open(2, dt.datetime(2026, 6, 7, 17, 59, tzinfo=dt.UTC))
    assert enrollment.is_week_open(2, dt.datetime(2026, 6, 7, 18, 0, tzinfo=dt.UTC))


def test_weeks_open_every_seven_days_up_to_the_last(new_yorker):
    at = dt.datetime(2026, 3, 1, 12, 0, tzinfo=NEW_YORK)
    limits = [new_yorker.open_week_limit(at + dt.timedelta(days=day)) for day in range(0, 60, 7)]
    assert limits == [1, 2, 3, 4, 5, 6, 7, 8, 9]


def test_interval_and_hour_are_program_settings(new_yorker):
    new_yorker.program.unlock_interval_days = 3
    new_yorker.program.unlock_hour = 9
    assert new_yorker.week_opens_at(3) == dt.datetime(2026, 3, 7, 9, 0, tzinfo=NEW_YORK)


def test_bonus_classes_are_open_on_day_one_and_week_two_is_not(client, bob, program):
    client.force_login(bob)
    bonus = program.lessons.get(title="Foot & Ankle class")
    week_two = program.lessons.filter(week__number=2).first()
    assert client.get(bonus.get_absolute_url()).status_code == 200
    assert client.get(week_two.get_absolute_url()).status_code == 403


def test_moving_the_start_date_back_opens_weeks_at_once(client, bob):
    enrollment = bob.enrollments.get()
    client.force_login(bob)
    assert client.get(reverse("programs:week", args=[3])).status_code == 403

    enrollment.starts_on -= dt.timedelta(days=15)
    enrollment.save()

    assert client.get(reverse("programs:week", args=[3])).status_code == 200


def test_unlock_everything_opens_every_week_for_that_client_only(client, bob, alice):
    services.unlock_everything(bob.enrollments.get())
    client.force_login(bob)
    assert client.get(reverse("programs:week", args=[8])).status_code == 200
    assert bob.enrollments.get().open_week_limit() == MAX_WEEKS
    client.force_login(alice)
    assert client.get(reverse("programs:week", args=[8])).status_code == 403


def test_staff_see_every_week(client, instructor, program):
    client.force_login(instructor)
    assert client.get(reverse("programs:week", args=[8])).status_code == 200


def test_staff_preview_shows_exactly_what_a_client_sees_on_that_day(client, instructor, program):
    client.force_login(instructor)
    response = client.post(reverse("programs:preview"), {"day": 15})
    assert response.status_code == 302

    assert client.get(reverse("programs:week", args=[3])).status_code == 200
    locked = client.get(reverse("programs:week", args=[4]))
    assert locked.status_code == 403
    assert b"It opens" in locked.content

    client.post(reverse("programs:preview"), {"stop": "1"})
    assert client.get(reverse("programs:week", args=[4])).status_code == 200


def test_preview_refuses_a_day_outside_the_program(client, instructor, program):
    client.force_login(instructor)
    response = client.post(reverse("programs:preview"), {"day": "-3"}, follow=True)
    assert b"Choose a day between 1 and 365" in response.content
    assert client.get(reverse("programs:week", args=[8])).status_code == 200


@time_machine.travel(dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC), tick=False)
def test_dashboard_shows_when_the_next_week_opens_in_the_clients_time_zone(client, db):
    program = build_program(weeks=3, classes_per_week=1)
    user = UserFactory(time_zone="Pacific/Auckland")
    EnrollmentFactory(user=user, program=program, starts_on=dt.date(2026, 11, 1))
    client.force_login(user)
    page = client.get(reverse("programs:dashboard")).content.decode()
    assert "Sunday, November 8 at 6:00 a.m." in page
    assert "Times are Auckland time" in page
