"""The instructor sees her clients at a glance: week, classes done of those open, last activity,
how they joined; filters and a spreadsheet export; a fixed number of queries."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.models import Completion
from tests.factories import UserFactory, enroll_days_ago

CHANGELIST = "admin:programs_enrollment_changelist"


@pytest.fixture
def admin(client, instructor):
    client.force_login(instructor)
    return client


@pytest.fixture
def finished(program):
    """Enrolled 70 days ago: every week of the 8-week program is behind them."""
    user = UserFactory(email="fin@example.com")
    enroll_days_ago(user, program, 70)
    return user


def _rows(page: str) -> dict[str, str]:
    """Each client's row of the list, by email."""
    rows = page.split("<tr")[2:]
    return {
        match[1]: row for row in rows if (match := re.search(r"([a-z0-9.]+)@example\.com", row))
    }


def test_the_list_shows_each_clients_week_classes_done_and_last_activity(
    admin, alice, bob, carol, program
):
    Completion.objects.create(user=alice, lesson=program.lessons.filter(week__number=1).first())

    rows = _rows(admin.get(reverse(CHANGELIST)).text)

    assert "Week 2" in rows["alice"] and "1 of 6 open" in rows["alice"]
    assert "Week 1" in rows["bob"] and "0 of 3 open" in rows["bob"]
    assert "Not yet" in rows["bob"]
    assert "Purchase" in rows["alice"]


@pytest.mark.parametrize(
    "progress, expected",
    [
        ("active", {"alice", "bob"}),
        ("finished", {"fin"}),
        ("inactive", {"bob"}),
        ("ended", {"carol"}),
    ],
)
def test_the_progress_filter_finds_who_is_where(
    admin, alice, bob, carol, finished, program, progress, expected
):
    Completion.objects.create(user=alice, lesson=program.lessons.filter(week__number=1).first())

    page = admin.get(reverse(CHANGELIST) + f"?progress={progress}").text

    assert set(_rows(page)) == expected


def test_the_export_is_a_spreadsheet_of_the_selected_clients(admin, alice, bob, program):
    Completion.objects.create(user=alice, lesson=program.lessons.filter(week__number=1).first())
    bob.first_name = "=HYPERLINK(1)"
    bob.save()
    selected = [e.pk for e in (alice.enrollments.get(), bob.enrollments.get())]

    response = admin.post(
        reverse(CHANGELIST), {"action": "export_csv", "_selected_action": selected}
    )

    assert response["Content-Type"].startswith("text/csv")
    rows = {row["email"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert (rows["alice@example.com"]["week"], rows["alice@example.com"]["classes done"]) == (
        "week 2",
        "1",
    )
    assert rows["alice@example.com"]["classes open"] == "6"
    assert rows["bob@example.com"]["first name"] == "'=HYPERLINK(1)"


def test_the_list_reads_a_fixed_number_of_queries_however_many_clients(admin, program):
    def count_queries(clients):
        for n in range(clients):
            user = UserFactory()
            enroll_days_ago(user, program, n % 40)
            Completion.objects.create(user=user, lesson=program.lessons.first())
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(reverse(CHANGELIST)).status_code == 200
        return len(queries)

    few = count_queries(5)
    many = count_queries(40)
    assert few == many


def test_archived_classes_do_not_count_and_a_client_not_started_yet_says_so(admin, alice, program):
    lesson = program.lessons.filter(week__number=1).first()
    Completion.objects.create(user=alice, lesson=lesson)
    lesson.status = "archived"
    lesson.save()
    later = UserFactory(email="later@example.com")
    enroll_days_ago(later, program, -3)

    rows = _rows(admin.get(reverse(CHANGELIST)).text)

    assert "0 of 5 open" in rows["alice"]
    assert "Not started" in rows["later"]
