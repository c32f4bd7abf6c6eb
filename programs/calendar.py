"""The client's program as a calendar (.ics, built with `icalendar`): each week's opening and the
practice sessions as one weekly recurring event, on the client's clock with its VTIMEZONE.

Every date comes from the one unlock rule and the practice plan, so a pause, a repeated week or
new practice days show up the next time the calendar app fetches the feed. UIDs are stable: the
app updates its events instead of adding copies.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .access import Viewer
from .models import WEEKDAYS, Enrollment
from .progress import build_outline

PRACTICE_MINUTES = 30


def program_calendar(viewer: Viewer) -> bytes:
    enrollment: Enrollment = viewer.enrollment
    host = urlsplit(settings.SITE_URL).netloc
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Program//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", viewer.program.title)
    calendar.add("x-wr-timezone", enrollment.user.time_zone)
    outline = build_outline(viewer)
    for row in outline.weeks:
        opens = enrollment.week_opens_at(row.week.number)
        event = Event()
        event.add("uid", f"week-{row.week.number}-{enrollment.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", opens)
        event.add("duration", dt.timedelta(minutes=15))
        event.add("summary", f"Week {row.week.number} opens: {row.week.title}")
        event.add("url", settings.SITE_URL + row.week.get_absolute_url())
        calendar.add_component(event)
    calendar.add_component(_practice(enrollment, outline, host, now, len(outline.weeks)))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _practice(enrollment, outline, host, now, week_count) -> Event:
    first_day = enrollment.opening_day(1)
    while first_day.weekday() not in enrollment.practice_weekdays:
        first_day += dt.timedelta(days=1)
    starts = dt.datetime.combine(first_day, enrollment.practice_time, tzinfo=enrollment.zone)
    until = enrollment.finished_at(week_count).astimezone(dt.UTC)
    event = Event()
    event.add("uid", f"practice-{enrollment.pk}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", starts)
    event.add("duration", dt.timedelta(minutes=PRACTICE_MINUTES))
    event.add(
        "rrule",
        {
            "freq": "weekly",
            "byday": [WEEKDAYS[day][:2].upper() for day in enrollment.practice_weekdays],
            "until": until,
        },
    )
    paused = _paused_sessions(enrollment, starts)
    if paused:
        event.add("exdate", paused)
    next_up = outline.continue_with
    event.add("summary", "Hip practice")
    if next_up:
        url = settings.SITE_URL + next_up.lesson.get_absolute_url()
        event.add("description", f"Next class: {next_up.lesson.title}\n{url}")
    else:
        event.add("description", f"Your program: {settings.SITE_URL}/program/")
    return event


def _paused_sessions(enrollment, starts: dt.datetime) -> list[dt.datetime]:
    """The practice sessions that fall in a pause: no practice is planned then."""
    sessions = []
    for pause in enrollment.schedule_pauses:
        if pause.kind != pause.Kind.PAUSE:
            continue
        day = pause.starts_on
        while day < pause.ends_on:
            if day.weekday() in enrollment.practice_weekdays and day >= starts.date():
                sessions.append(dt.datetime.combine(day, starts.timetz()))
            day += dt.timedelta(days=1)
    return sessions
