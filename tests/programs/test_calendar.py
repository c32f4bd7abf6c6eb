"""The program calendar, parsed back with icalendar and checked event by event."""

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from programs import services
from programs.models import Enrollment


@pytest.fixture
def enrollment(alice):
    return Enrollment.objects.with_schedule().get(user=alice)


def _feed(client, enrollment):
    response = client.get(reverse("programs:calendar_feed", args=[enrollment.calendar_token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def _events(calendar):
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_has_each_week_opening_and_the_practice_days_on_the_clients_clock(
    client, enrollment, program
):
    calendar = _feed(client, enrollment)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "America/New_York"
    events = _events(calendar)
    assert len(events) == 8 + 1
    for number in range(1, 9):
        event = events[f"week-{number}-{enrollment.pk}@127.0.0.1:8000"]
        assert event.decoded("dtstart") == enrollment.week_opens_at(number)
        assert str(event["summary"]).startswith(f"Week {number} opens")
    practice = events[f"practice-{enrollment.pk}@127.0.0.1:8000"]
    assert practice["rrule"]["BYDAY"] == ["MO", "WE", "FR"]
    assert practice.decoded("dtstart").time() == dt.time(7, 30)
    assert str(practice.decoded("dtstart").tzinfo) == "America/New_York"
    assert "Next class:" in str(practice["description"])


def test_the_feed_follows_new_days_and_a_pause_with_the_same_uids(client, enrollment):
    before = _events(_feed(client, enrollment))
    enrollment.practice_days = 0b0001010  # Tuesday and Thursday
    enrollment.save()
    today = enrollment.starts_on + dt.timedelta(days=9)
    services.pause(enrollment, starts_on=today, days=7)
    enrollment = Enrollment.objects.with_schedule().get(pk=enrollment.pk)

    after = _events(_feed(client, enrollment))

    assert set(after) == set(before)
    practice = after[f"practice-{enrollment.pk}@127.0.0.1:8000"]
    assert practice["rrule"]["BYDAY"] == ["TU", "TH"]
    skipped = {d.dt.date() for d in practice["exdate"].dts}
    assert skipped == {
        today + dt.timedelta(days=n)
        for n in range(7)
        if (today + dt.timedelta(days=n)).weekday() in (1, 3)
    }
    week_three = after[f"week-3-{enrollment.pk}@127.0.0.1:8000"]
    assert week_three.decoded("dtstart") == enrollment.week_opens_at(3)
    assert week_three.decoded("dtstart") != before[
        f"week-3-{enrollment.pk}@127.0.0.1:8000"
    ].decoded("dtstart")


def test_a_new_address_stops_the_old_one_and_a_refunded_client_has_none(client, enrollment, carol):
    old = enrollment.calendar_token
    client.force_login(enrollment.user)
    client.post(reverse("programs:schedule"), {"new_calendar_address": "1"})
    enrollment.refresh_from_db()
    assert enrollment.calendar_token != old
    client.logout()
    assert client.get(reverse("programs:calendar_feed", args=[old])).status_code == 404
    refunded = carol.enrollments.get()
    assert (
        client.get(reverse("programs:calendar_feed", args=[refunded.calendar_token])).status_code
        == 404
    )


def test_the_one_off_download(client, enrollment):
    client.force_login(enrollment.user)
    response = client.get(reverse("programs:calendar_download"))
    assert response["Content-Disposition"] == 'attachment; filename="heal-your-hips.ics"'
    assert len(_events(Calendar.from_ical(response.content))) == 9
