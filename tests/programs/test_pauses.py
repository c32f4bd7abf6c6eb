"""Pausing and repeating a week move the one unlock rule; so does nothing else, not even a change
of time zone to the far east."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from programs import notices, services
from programs.models import Enrollment, Notice, Pause
from tests.factories import UserFactory, enroll_days_ago

NEW_YORK = ZoneInfo("America/New_York")


def _at(day, hour=12, zone=NEW_YORK):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)


@pytest.fixture
def client_on_day_ten(program):
    user = UserFactory(time_zone="America/New_York")
    enrollment = enroll_days_ago(user, program, 9)
    return Enrollment.objects.with_schedule().get(pk=enrollment.pk)


def _fresh(enrollment):
    return Enrollment.objects.with_schedule().get(pk=enrollment.pk)


def test_a_pause_moves_the_weeks_not_yet_open_and_keeps_the_open_ones(client_on_day_ten):
    enrollment = client_on_day_ten
    today = enrollment.starts_on + dt.timedelta(days=9)
    week_three = enrollment.week_opens_at(3)
    assert enrollment.open_week_limit() == 2

    services.pause(enrollment, starts_on=today, days=5, by=enrollment.user)
    enrollment = _fresh(enrollment)

    assert enrollment.open_week_limit() == 2  # nothing open closes
    assert enrollment.week_opens_at(3) == week_three + dt.timedelta(days=5)
    assert enrollment.week_opens_at(2) < _at(today)
    with time_machine.travel(week_three + dt.timedelta(hours=1)):
        assert enrollment.open_week_limit() == 2  # week 3's old date: still waiting


def test_resuming_early_brings_the_weeks_back(client_on_day_ten):
    enrollment = client_on_day_ten
    today = enrollment.starts_on + dt.timedelta(days=9)
    planned = enrollment.week_opens_at(3)
    services.pause(enrollment, starts_on=today, days=10, by=enrollment.user)
    with time_machine.travel(_at(today + dt.timedelta(days=2), 9)):
        services.resume(_fresh(enrollment), by=enrollment.user)
    assert _fresh(enrollment).week_opens_at(3) == planned + dt.timedelta(days=2)


def test_a_pause_across_the_spring_dst_change_opens_at_the_same_wall_clock_time(db, program):
    user = UserFactory(time_zone="America/New_York")
    enrollment = Enrollment.objects.create(
        user=user, program=program, starts_on=dt.date(2026, 2, 26)
    )  # week 2 opens March 5, before DST; a 7-day pause moves it past March 8
    with time_machine.travel(_at(dt.date(2026, 3, 1), 9)):
        services.pause(enrollment, starts_on=dt.date(2026, 3, 4), days=7)
    opens = _fresh(enrollment).week_opens_at(2)
    assert opens == dt.datetime(2026, 3, 12, 6, 0, tzinfo=NEW_YORK)
    assert opens.utcoffset() == dt.timedelta(hours=-4)


def test_a_pause_from_before_the_start_moves_week_one(db, program, instructor):
    user = UserFactory(time_zone="America/New_York")
    enrollment = Enrollment.objects.create(
        user=user, program=program, starts_on=dt.date(2026, 6, 10)
    )
    with time_machine.travel(_at(dt.date(2026, 5, 20), 9)):
        services.pause(enrollment, starts_on=dt.date(2026, 6, 1), days=14, by=instructor)
    assert _fresh(enrollment).week_opens_at(1) == dt.datetime(2026, 6, 24, tzinfo=NEW_YORK)


def test_a_pause_made_in_the_evening_of_an_opening_day_keeps_that_week_open(db, program):
    user = UserFactory(time_zone="America/New_York")
    enrollment = Enrollment.objects.create(
        user=user, program=program, starts_on=dt.date(2026, 11, 23)
    )  # week 2 opens Monday, November 30 at 6:00
    with time_machine.travel(_at(dt.date(2026, 11, 30), 20)):
        services.pause(enrollment, starts_on=dt.date(2026, 11, 30), days=3, by=user)
        paused = _fresh(enrollment)
        assert paused.open_week_limit() == 2
    assert paused.week_opens_at(3) == dt.datetime(2026, 12, 10, 6, tzinfo=NEW_YORK)


def test_overlapping_pauses_are_refused_with_a_clear_message(client_on_day_ten):
    enrollment = client_on_day_ten
    today = enrollment.starts_on + dt.timedelta(days=9)
    services.pause(enrollment, starts_on=today + dt.timedelta(days=3), days=5, by=enrollment.user)
    with pytest.raises(services.ScheduleRefused, match="This overlaps your pause from"):
        services.pause(_fresh(enrollment), starts_on=today, days=4, by=enrollment.user)
    assert Pause.objects.count() == 1


@pytest.mark.parametrize(("days", "message"), [(0, "1 to 28 days"), (29, "1 to 28 days")])
def test_a_client_pauses_for_one_to_28_days(client_on_day_ten, days, message):
    today = client_on_day_ten.starts_on + dt.timedelta(days=9)
    with pytest.raises(services.ScheduleRefused, match=message):
        services.pause(client_on_day_ten, starts_on=today, days=days, by=client_on_day_ten.user)


def test_a_client_pauses_twice_at_most_the_instructor_any_length(client_on_day_ten, instructor):
    enrollment, user = client_on_day_ten, client_on_day_ten.user
    today = enrollment.starts_on + dt.timedelta(days=9)
    services.pause(enrollment, starts_on=today + dt.timedelta(days=1), days=1, by=user)
    services.pause(_fresh(enrollment), starts_on=today + dt.timedelta(days=3), days=1, by=user)
    with pytest.raises(services.ScheduleRefused, match="used your 2 pauses"):
        services.pause(_fresh(enrollment), starts_on=today + dt.timedelta(days=5), days=1, by=user)
    services.pause(
        _fresh(enrollment), starts_on=today + dt.timedelta(days=5), days=60, by=instructor
    )
    assert Pause.objects.count() == 3


def test_unlock_everything_wins_over_a_pause(client_on_day_ten, instructor):
    today = client_on_day_ten.starts_on + dt.timedelta(days=9)
    services.pause(client_on_day_ten, starts_on=today, days=20, by=instructor)
    assert _fresh(services.unlock_everything(client_on_day_ten)).open_week_limit() == 52


def test_no_week_email_for_a_week_a_pause_pushed_back_and_one_when_it_opens(
    client_on_day_ten, told_through, django_capture_on_commit_callbacks
):
    enrollment = client_on_day_ten
    told_through(enrollment, 2)
    today = enrollment.starts_on + dt.timedelta(days=9)
    planned = enrollment.week_opens_at(3)
    services.pause(enrollment, starts_on=today, days=3, by=enrollment.user)

    for moment in [planned + dt.timedelta(hours=1), planned + dt.timedelta(days=3, hours=1)]:
        with time_machine.travel(moment), django_capture_on_commit_callbacks(execute=True):
            notices.sweep()
        if moment < planned + dt.timedelta(days=3):
            assert not Notice.objects.filter(enrollment=enrollment, week=3).exists()
    with time_machine.travel(planned + dt.timedelta(days=3, hours=2)):
        notices.sweep()
    assert Notice.objects.filter(enrollment=enrollment, week=3).count() == 1


def test_repeating_a_week_from_its_last_day(client_on_day_ten):
    enrollment = client_on_day_ten  # day 10: week 2's last full day is day 14
    planned = enrollment.week_opens_at(3)
    assert not services.can_repeat_week(enrollment, 8)
    last_day = planned - dt.timedelta(hours=10)
    with time_machine.travel(last_day):
        assert services.can_repeat_week(enrollment, 8)
        services.repeat_week(enrollment, by=enrollment.user)
    assert _fresh(enrollment).week_opens_at(3) == planned + dt.timedelta(days=7)
    with time_machine.travel(last_day + dt.timedelta(days=7)):
        services.repeat_week(_fresh(enrollment), by=enrollment.user)
        with pytest.raises(services.ScheduleRefused, match="twice in the program"):
            services.repeat_week(_fresh(enrollment), by=enrollment.user)


def test_moving_to_the_far_east_opens_nothing_earlier_than_shown(client, client_on_day_ten):
    enrollment, user = client_on_day_ten, client_on_day_ten.user
    shown = enrollment.week_opens_at(3)
    client.force_login(user)
    client.post(
        reverse("accounts:settings"), {"first_name": "Kai", "time_zone": "Pacific/Kiritimati"}
    )
    moved = _fresh(enrollment)
    assert moved.week_opens_at(3) == shown  # not a day early
    with time_machine.travel(shown - dt.timedelta(hours=1)):
        assert moved.open_week_limit() == 2
        assert client.get(reverse("programs:week", args=[3])).status_code == 403
    # Moving west (later) does move the opening later.
    client.post(
        reverse("accounts:settings"), {"first_name": "Kai", "time_zone": "Pacific/Honolulu"}
    )
    assert _fresh(enrollment).week_opens_at(3) > shown


def test_the_client_pauses_and_resumes_from_the_site(client, client_on_day_ten):
    user = client_on_day_ten.user
    client.force_login(user)
    today = client_on_day_ten.starts_on + dt.timedelta(days=9)

    refused = client.post(
        reverse("programs:schedule"), {"starts_on": today - dt.timedelta(days=3), "days": 3}
    )
    assert refused.status_code == 400
    assert "A pause starts today or later" in refused.content.decode()
    client.post(reverse("programs:schedule"), {"starts_on": today, "days": 7, "reason": "Holiday"})
    dashboard = client.get(reverse("programs:dashboard")).content.decode()
    assert "Your program is paused through" in dashboard

    client.post(reverse("programs:schedule"), {"resume": "1"})
    assert "paused through" not in client.get(reverse("programs:dashboard")).content.decode()
    assert Pause.objects.get().reason == "Holiday"


def test_the_instructor_pauses_anyone_in_the_admin_and_overlaps_are_refused(
    client, instructor, client_on_day_ten
):
    enrollment = client_on_day_ten
    client.force_login(instructor)
    url = reverse("admin:programs_enrollment_change", args=[enrollment.pk])
    page = client.get(url)
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    pause = {"pauses-0-kind": "pause", "pauses-0-days": "45", "pauses-0-reason": "Surgery"}
    second = {"pauses-1-kind": "pause", "pauses-1-days": "3", "pauses-1-reason": ""}
    start = enrollment.starts_on + dt.timedelta(days=12)

    overlapping = client.post(url, {
        **data, "pauses-TOTAL_FORMS": "2", "pauses-INITIAL_FORMS": "0",
        **pause, "pauses-0-starts_on": start, **second,
        "pauses-1-starts_on": start + dt.timedelta(days=10),
    })  # fmt: skip
    assert "Two pauses overlap" in overlapping.content.decode()
    assert not Pause.objects.exists()

    saved = client.post(url, {
        **data, "pauses-TOTAL_FORMS": "1", "pauses-INITIAL_FORMS": "0",
        **pause, "pauses-0-starts_on": start,
    })  # fmt: skip
    assert saved.status_code == 302
    made = Pause.objects.get()
    assert (made.days, made.created_by, made.reason) == (45, instructor, "Surgery")


def test_a_pause_called_off_the_same_day_is_not_counted(client_on_day_ten):
    enrollment, user = client_on_day_ten, client_on_day_ten.user
    today = enrollment.starts_on + dt.timedelta(days=9)
    services.pause(enrollment, starts_on=today, days=3, by=user)
    services.resume(_fresh(enrollment), by=user)
    assert services.client_pauses_left(_fresh(enrollment)) == 2


def test_a_planned_pause_shows_and_can_be_called_off(client, client_on_day_ten):
    user = client_on_day_ten.user
    later = client_on_day_ten.starts_on + dt.timedelta(days=20)
    client.force_login(user)
    client.post(reverse("programs:schedule"), {"starts_on": later, "days": 5})
    dashboard = client.get(reverse("programs:dashboard")).content.decode()
    assert "Pause planned" in dashboard
    client.post(reverse("programs:schedule"), {"resume": "1"})
    assert _fresh(client_on_day_ten).planned_pause(later - dt.timedelta(days=1)) is None
    assert "Pause planned" not in client.get(reverse("programs:dashboard")).content.decode()


def test_switching_zones_back_and_forth_never_opens_a_week_early(client, client_on_day_ten):
    shown = client_on_day_ten.week_opens_at(3)
    client.force_login(client_on_day_ten.user)
    for _ in range(6):
        for zone in ("Pacific/Tongatapu", "Pacific/Kiritimati"):
            client.post(reverse("accounts:settings"), {"first_name": "Kai", "time_zone": zone})
    assert _fresh(client_on_day_ten).week_opens_at(3) >= shown
