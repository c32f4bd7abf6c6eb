"""Practice reminders: on the client's days at their time, once, and never when not wanted."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from journal import reminders
from journal.models import Practice
from outbox import services as outbox
from outbox.delivery import STALE_AFTER
from outbox.models import Email
from programs import services
from programs.models import Completion
from tests.factories import UserFactory, enroll_days_ago
from tests.workers import kill_with_children, run_at_once, wait_until_all_sent

NEW_YORK = ZoneInfo("America/New_York")
MONDAY = dt.date(2026, 11, 30)


def _at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NEW_YORK)


@pytest.fixture
def jo(program):
    """Started a week before Monday, November 30; practises Mon, Wed, Fri at 7:30."""
    user = UserFactory(first_name="Jo", time_zone="America/New_York")
    with time_machine.travel(_at(MONDAY, 12) - dt.timedelta(days=7)):
        return enroll_days_ago(user, program, 0)


def _sweep(at, capture):
    with capture(execute=True):
        return reminders.sweep(at)


def test_a_reminder_comes_on_a_practice_day_at_its_time_once(
    jo, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert _sweep(_at(MONDAY, 7, 25), capture) == 0  # not yet
    assert _sweep(_at(MONDAY, 7, 30), capture) == 1
    assert _sweep(_at(MONDAY, 7, 35), capture) == 0  # once a day
    assert _sweep(_at(MONDAY + dt.timedelta(days=1), 9), capture) == 0  # Tuesday: not a day
    assert Email.objects.filter(kind="practice-reminder").count() == 1
    [message] = mail.outbox
    assert message.to == [jo.user.email]
    assert "Time to practise" in message.subject
    assert message.extra_headers["List-Unsubscribe"] == f"<{jo.user.reminder_unsubscribe_url}>"


def test_the_reminder_names_the_dashboards_next_class(
    jo, program, django_capture_on_commit_callbacks
):
    first = program.lessons.filter(week__number=1).order_by("position").first()
    Completion.objects.create(user=jo.user, lesson=first)
    Completion.objects.filter(user=jo.user).update(
        completed_at=_at(MONDAY, 7) - dt.timedelta(days=2)
    )
    _sweep(_at(MONDAY, 8), django_capture_on_commit_callbacks)
    second = program.lessons.filter(week__number=1).order_by("position")[1]
    [message] = mail.outbox
    assert second.title in message.subject
    assert second.get_absolute_url() in message.body


@pytest.mark.parametrize("reason", ["practised", "class done", "paused", "turned off", "finished"])
def test_no_reminder_when_not_wanted(jo, program, reason, django_capture_on_commit_callbacks):
    lesson = program.lessons.first()
    if reason == "practised":
        Practice.objects.create(user=jo.user, lesson=lesson, practised_at=_at(MONDAY, 6))
    elif reason == "class done":
        Completion.objects.create(user=jo.user, lesson=lesson)
        Completion.objects.update(completed_at=_at(MONDAY, 6))
    elif reason == "paused":
        services.pause(jo, starts_on=MONDAY, days=3)
    elif reason == "turned off":
        jo.user.stop_emails("reminders")
    elif reason == "finished":
        jo.starts_on = MONDAY - dt.timedelta(days=70)
        jo.save()
    assert _sweep(_at(MONDAY, 8), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_the_reminder_keeps_its_wall_clock_time_across_dst(
    program, django_capture_on_commit_callbacks
):
    user = UserFactory(time_zone="America/New_York")
    enrollment = enroll_days_ago(user, program, 0)
    enrollment.starts_on = dt.date(2026, 3, 2)
    enrollment.practice_days = 0b1111111
    enrollment.save()
    before, after = dt.date(2026, 3, 7), dt.date(2026, 3, 9)  # DST starts March 8
    for day in (before, after):
        assert _sweep(_at(day, 7, 29), django_capture_on_commit_callbacks) == 0
        assert _sweep(_at(day, 7, 30), django_capture_on_commit_callbacks) == 1
    assert _at(before, 7, 30).utcoffset() != _at(after, 7, 30).utcoffset()


def test_the_one_click_unsubscribe_stops_reminders_only(client, jo):
    token = jo.user.reminder_unsubscribe_url.rstrip("/").rsplit("/", 1)[1]
    response = client.post(reverse("accounts:unsubscribe_reminders", args=[token]))
    assert response.status_code == 200
    jo.user.refresh_from_db()
    assert (jo.user.wants_reminders, jo.user.wants_program_emails) == (False, True)


def test_the_client_sets_days_and_time(client, jo):
    client.force_login(jo.user)
    refused = client.post(reverse("programs:schedule"), {"plan": "1", "practice_time": "18:15"})
    assert "Choose at least one day." in refused.content.decode()
    client.post(
        reverse("programs:schedule"),
        {"plan": "1", "weekdays": ["1", "3"], "practice_time": "18:15", "reminders": "on"},
    )
    jo.refresh_from_db()
    assert jo.practice_plan == "Tuesday and Thursday at 6:15 p.m."


def _practising_every_day_from_midnight(program, count):
    """Clients whose reminder is due whenever a worker test runs."""
    users = [UserFactory(time_zone="America/New_York") for _ in range(count)]
    for user in users:
        enrollment = enroll_days_ago(user, program, 3)
        enrollment.practice_days, enrollment.practice_time = 0b1111111, dt.time(0, 0)
        enrollment.save()
    return users


def test_reminders_go_once_with_two_workers_and_two_sweeps_at_once(
    program, start_celery_worker, smtp_server
):
    users = _practising_every_day_from_midnight(program, 8)
    start_celery_worker(EMAIL_URL=smtp_server.url)
    start_celery_worker(EMAIL_URL=smtp_server.url)
    run_at_once(reminders.sweep, 2)
    reminders.sweep()
    smtp_server.wait_for(8)
    time.sleep(1.5)  # room for a duplicate to arrive

    assert sorted(rcpt[0] for rcpt, _ in smtp_server.messages) == sorted(u.email for u in users)


def test_a_worker_killed_mid_send_then_restarted_sends_each_reminder_once(
    program, start_celery_worker, smtp_server
):
    users = _practising_every_day_from_midnight(program, 6)
    smtp_server.delay = 0.4
    worker = start_celery_worker(EMAIL_URL=smtp_server.url)

    reminders.sweep()
    smtp_server.wait_for_arrival(3)
    kill_with_children(worker)
    delivered_before = len(smtp_server.messages)

    with time_machine.travel(timezone.now() + STALE_AFTER + dt.timedelta(minutes=1)):
        outbox.sweep()
    smtp_server.delay = 0
    start_celery_worker(EMAIL_URL=smtp_server.url)
    smtp_server.wait_for(6)
    wait_until_all_sent()
    time.sleep(1)  # room for a duplicate to arrive

    assert delivered_before == 2
    assert sorted(rcpt[0] for rcpt, _ in smtp_server.messages) == sorted(u.email for u in users)
