"""The instructor's Clients page, its flags and the weekly digest."""

import datetime as dt
import time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import new_state_version
from journal import digest
from journal.clients import client_rows
from journal.models import Practice
from outbox.models import Email
from programs.models import Completion
from tests.factories import UserFactory, build_program, enroll_days_ago
from tests.workers import run_at_once

MONDAY_MORNING = dt.datetime(2026, 11, 30, 13, 0, tzinfo=dt.UTC)  # 8:00 in New York


def _practise(user, lesson, pain=None, days_ago=0):
    return Practice.objects.create(
        user=user,
        lesson=lesson,
        pain=pain,
        practised_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def _flags(user):
    return next(row.flags for row in client_rows() if row.enrollment.user == user)


def test_the_flag_rules(alice, bob, program):
    lesson = program.lessons.filter(week__number=1).first()
    # Alice (day 11) practised 8 days ago, calmly: quiet for a week, and her start check is late.
    _practise(alice, lesson, pain=2, days_ago=8)
    assert _flags(alice) == ["no practice in 7 days", "check overdue"]
    # Two check-ins in a row 2+ above her first: pain rising.
    _practise(alice, lesson, pain=4, days_ago=1)
    _practise(alice, lesson, pain=4)
    assert _flags(alice) == ["pain rising", "check overdue"]
    # Pain 7 on the latest check-in.
    _practise(alice, lesson, pain=7)
    assert "pain 7+" in _flags(alice)
    # Bob started today: nothing is late yet.
    assert _flags(bob) == []


def test_a_class_marked_done_counts_as_practice(alice, program):
    Completion.objects.create(user=alice, lesson=program.lessons.first())
    assert "no practice in 7 days" not in _flags(alice)


def test_the_clients_page_is_for_staff_and_matches_the_clients_own_numbers(
    client, alice, instructor, program
):
    lesson = program.lessons.filter(week__number=2).first()
    _practise(alice, lesson, pain=3)
    _practise(alice, lesson, pain=5)
    client.force_login(alice)
    assert client.get(reverse("journal:clients")).status_code == 302  # to the admin login
    own = client.get(reverse("journal:progress")).context["journal"]

    client.force_login(instructor)
    page = client.get(reverse("journal:clients"))
    [row] = [row for row in page.context["rows"] if row.enrollment.user == alice]
    assert (row.journal.latest_pain, row.journal.pain_trend) == (own.latest_pain, own.pain_trend)
    assert row.sessions_this_week == own.sessions_this_week() == 2
    assert "5 (+2)" in page.content.decode()
    chart = client.get(reverse("journal:client", args=[alice.enrollments.get().pk]))
    assert chart.context["journal"].pains == own.pains == [3, 5]


def test_the_clients_page_filters_and_sorts(client, instructor, alice, bob, program):
    _practise(alice, program.lessons.first(), pain=8)
    client.force_login(instructor)
    flagged = client.get(reverse("journal:clients"), {"flag": "pain"}).context["rows"]
    assert [row.enrollment.user for row in flagged] == [alice]
    by_name = client.get(reverse("journal:clients"), {"sort": "name"}).context["rows"]
    assert [row.name for row in by_name] == sorted(row.name for row in by_name)


@pytest.mark.parametrize("clients", [10, 100])
def test_the_clients_and_chart_pages_read_a_fixed_number_of_queries(
    client, instructor, db, django_assert_num_queries, clients
):
    program = build_program(classes_per_week=1)
    lesson = program.lessons.first()
    for n in range(clients):
        user = UserFactory()
        enroll_days_ago(user, program, n % 50)
        for day in range(3):
            _practise(user, lesson, pain=n % 10, days_ago=day)
    client.force_login(instructor)
    client.get(reverse("journal:clients"))  # warm the session and content types
    some = program.enrollments.first()

    new_state_version([some.user_id])  # a client logged a practice: the page is built again
    with django_assert_num_queries(9):
        assert client.get(reverse("journal:clients")).status_code == 200
    # Kept while no client's records change: the instructor, the program, the clients' versions.
    with django_assert_num_queries(3):
        assert client.get(reverse("journal:clients")).status_code == 200
    with django_assert_num_queries(8):
        assert client.get(reverse("journal:client", args=[some.pk])).status_code == 200


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_the_digest_waits_for_monday_morning_in_her_zone(alice, program, settings):
    settings.INSTRUCTOR_TIME_ZONE = "Asia/Tokyo"  # 22:00 on Monday there: too late, queued
    assert digest.queue_weekly_digest() is not None
    settings.INSTRUCTOR_TIME_ZONE = "Pacific/Honolulu"  # 3:00 on Monday: too early
    Email.objects.all().delete()
    assert digest.queue_weekly_digest() is None


def test_the_digest_goes_once_with_two_workers_and_names_no_one(
    alice, program, start_celery_worker, smtp_server
):
    _practise(alice, program.lessons.first(), pain=9)
    start_celery_worker(EMAIL_URL=smtp_server.url)
    start_celery_worker(EMAIL_URL=smtp_server.url)
    run_at_once(lambda: digest.queue_weekly_digest(MONDAY_MORNING + dt.timedelta(hours=2)), 4)
    smtp_server.wait_for(1)
    time.sleep(1.5)  # room for a duplicate to arrive

    [(_, message)] = smtp_server.messages
    assert "1 client may need a word from you" in message["Subject"]
    body = message.as_string()
    assert "alice" not in body.lower()
    assert "/instructor/clients/" in body
