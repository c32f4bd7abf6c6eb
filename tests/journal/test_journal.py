"""The practice journal: check-ins, progress checks, what changes mean, export and deletion."""

import csv
import datetime as dt
import io
import json

import pytest
import time_machine
from django.urls import reverse

from journal.models import Answer, Practice, ProgressCheck
from journal.outcomes import ActivityChange, PainChange
from journal.records import Journal
from programs import services
from programs.models import Completion, Enrollment


@pytest.fixture
def week_two(program):
    return list(program.lessons.filter(week__number=2).order_by("position"))


def _log(client, lesson, **data):
    return client.post(reverse("journal:log_practice", args=[lesson.slug]), data)


def _check(client, week, data):
    return client.post(reverse("journal:check", args=[week]), data)


def test_a_check_in_on_the_done_step_is_saved_and_moves_on(client, alice, week_two):
    client.force_login(alice)
    response = _log(
        client, week_two[0], pain="3", effort="about_right", note="Easier today", then="next"
    )
    assert response.headers["Location"] == week_two[1].get_absolute_url()
    practice = Practice.objects.get()
    assert (practice.pain, practice.effort, practice.note) == (3, "about_right", "Easier today")
    assert Completion.objects.filter(user=alice, lesson=week_two[0]).exists()


def test_the_check_in_may_be_skipped_and_a_class_practised_again(client, alice, week_two):
    client.force_login(alice)
    _log(client, week_two[0], then="next")
    _log(client, week_two[0], pain="2")
    assert Practice.objects.filter(user=alice, lesson=week_two[0]).count() == 2
    assert [p.pain for p in Practice.objects.order_by("id")] == [None, 2]
    assert Completion.objects.filter(user=alice).count() == 1


def test_a_bad_check_in_says_so_and_saves_nothing(client, alice, week_two):
    client.force_login(alice)
    response = _log(client, week_two[0], pain="11", then="next")
    assert response.headers["Location"] == week_two[0].get_absolute_url()
    page = client.get(week_two[0].get_absolute_url()).content.decode()
    assert "That check-in could not be saved" in page
    assert not Practice.objects.exists()
    assert not Completion.objects.exists()


def test_a_locked_class_cannot_be_logged(client, bob, program):
    locked = program.lessons.filter(week__number=3).first()
    client.force_login(bob)
    assert _log(client, locked, pain="2").status_code == 403
    assert not Practice.objects.exists()


def test_activities_named_at_the_start_are_asked_again_at_weeks_four_and_eight(client, db, program):
    from tests.factories import UserFactory, enroll_days_ago

    user = UserFactory()
    enroll_days_ago(user, program, 60)  # every week open
    client.force_login(user)
    start = {"nprs": "6", "activity_0": "Putting on socks", "rating_0": "3",
             "activity_1": "Stairs", "rating_1": "4"}  # fmt: skip
    assert _check(client, 0, start).status_code == 302

    page = client.get(reverse("journal:check", args=[4])).content.decode()
    assert "How well can you do it today: Putting on socks?" in page
    assert 'name="activity_0"' not in page
    assert _check(client, 4, {"nprs": "3", "rating_0": "6", "rating_1": "6"}).status_code == 200
    assert (
        _check(client, 4, {"nprs": "3", "rating_0": "6", "rating_1": "6", "grc": "2"}).status_code
        == 302
    )

    journal = Journal.for_enrollment(user.enrollments.get(), program.week_count)
    assert journal.psfs(4) == {"Putting on socks": 6, "Stairs": 6}
    assert journal.grc(4) == 2
    progress = client.get(reverse("journal:progress")).content.decode()
    assert "went down from 6 to 3 (50%): a change large enough to matter" in progress
    assert "from 3.5 to 6 out of 10 on average: a change large enough to matter" in progress


def test_a_check_is_taken_once_and_week_four_waits_for_week_four(client, alice):
    client.force_login(alice)  # day 11: week 4 is not open
    assert client.get(reverse("journal:check", args=[4])).status_code == 403
    _check(client, 0, {"nprs": "5", "activity_0": "Walking", "rating_0": "5"})
    again = client.get(reverse("journal:check", args=[0]))
    assert again.headers["Location"] == reverse("journal:progress")
    assert ProgressCheck.objects.count() == 1
    assert client.get(reverse("journal:check", args=[3])).status_code == 404


@pytest.mark.parametrize(
    ("before", "after", "matters"),
    [(6, 3, True), (6, 5, False), (3, 2, True), (8, 6, True), (2, 2, False), (4, 6, True)],
)
def test_pain_changes_are_read_by_the_published_thresholds(before, after, matters):
    assert PainChange(before, after).matters is matters


@pytest.mark.parametrize(("before", "after", "matters"), [(3, 5, True), (3, 4.5, False)])
def test_activity_changes_are_read_by_the_published_threshold(before, after, matters):
    assert ActivityChange(before, after).matters is matters


def test_high_or_rising_pain_shows_the_gentle_message(client, alice, week_two):
    client.force_login(alice)
    _check(client, 0, {"nprs": "3", "activity_0": "Walking", "rating_0": "5"})
    _log(client, week_two[0], pain="5")
    calm = client.get(reverse("journal:progress")).content.decode()
    assert "Go gently" not in calm
    _log(client, week_two[1], pain="5")
    page = client.get(reverse("journal:progress")).content.decode()
    assert "Go gently" in page
    assert f'href="{week_two[1].get_absolute_url()}?ask=1#ask-heading"' in page


def test_the_export_holds_everything_the_client_entered_and_deletion_removes_it(
    client, alice, bob, week_two
):
    client.force_login(bob)
    _log(client, bob.enrollments.get().program.lessons.filter(week__number=1).first(), pain="9")
    client.force_login(alice)
    _log(client, week_two[0], pain="4", effort="too_hard", note="Tight left side")
    _log(client, week_two[1])
    _check(client, 0, {"nprs": "5", "activity_0": "Walking", "rating_0": "5"})

    rows = list(csv.DictReader(io.StringIO(client.get(reverse("journal:export_csv")).text)))
    exported = json.loads(client.get(reverse("journal:export_json")).content)

    assert len(rows) == len(exported) == 2 + 2 + 2  # practices, answers, classes done
    assert {row["note"] for row in rows} >= {"Tight left side"}
    assert "9" not in {row["value"] for row in rows}  # nothing of Bob's

    confirm = client.get(reverse("journal:delete"))
    assert "2 practices" in confirm.text
    client.post(reverse("journal:delete"), {"confirm": "delete"})
    assert not Practice.objects.filter(user=alice).exists()
    assert not Answer.objects.filter(progress_check__user=alice).exists()
    assert Practice.objects.filter(user=bob).count() == 1
    assert Completion.objects.filter(user=alice).count() == 2  # their progress stays


def test_the_week_of_a_practice_follows_the_unlock_rule_pauses_included(alice, week_two):
    enrollment = alice.enrollments.get()
    journal = Journal(enrollment, [], {}, 8)
    start = dt.datetime.combine(enrollment.starts_on, dt.time(0, 30), tzinfo=alice.zone)
    week_two_opens = enrollment.week_opens_at(2)
    assert journal.week_of(start) == 1
    assert journal.week_of(week_two_opens - dt.timedelta(minutes=1)) == 1
    assert journal.week_of(week_two_opens) == 2
    with time_machine.travel(start):
        services.pause(enrollment, starts_on=enrollment.starts_on + dt.timedelta(days=3), days=4)
    paused = Journal(Enrollment.objects.with_schedule().get(pk=enrollment.pk), [], {}, 8)
    assert paused.week_of(week_two_opens) == 1


def test_the_demo_gives_a_chart_to_see_and_a_flagged_client(db):
    from django.core.management import call_command

    from journal.clients import client_rows

    call_command("seed_demo")
    call_command("seed_demo_journal")
    call_command("seed_demo_journal")  # idempotent
    rows = {row.enrollment.user.email: row for row in client_rows()}
    jo, sam = rows["client@example.com"], rows["sam@example.com"]
    assert len(jo.journal.practices) == 6 and jo.journal.pains[-1] < jo.journal.pains[0]
    assert jo.flags == []
    assert "pain rising" in sam.flags


def test_a_client_who_skipped_the_start_is_compared_from_their_first_check(client, db, program):
    from tests.factories import UserFactory, enroll_days_ago

    user = UserFactory()
    enroll_days_ago(user, program, 60)
    client.force_login(user)
    _check(client, 4, {"nprs": "6", "activity_0": "Stairs", "rating_0": "3", "grc": "0"})

    assert client.get(reverse("journal:check", args=[0])).status_code == 302  # not asked again
    page = client.get(reverse("journal:check", args=[8])).content.decode()
    assert "How well can you do it today: Stairs?" in page
    _check(client, 8, {"nprs": "3", "rating_0": "6", "grc": "2"})

    progress = client.get(reverse("journal:progress"))
    journal = progress.context["journal"]
    assert journal.due_check() is None
    assert "check overdue" not in journal.flags()
    text = progress.content.decode()
    assert "went down from 6 to 3" in text
    assert "You said your hip is: <strong>much better</strong>" in text
    assert "progress-check" not in client.get(reverse("programs:dashboard")).content.decode()


def test_logging_a_class_again_says_the_practice_is_saved(client, alice, week_two):
    client.force_login(alice)
    _log(client, week_two[0], then="next")
    again = _log(client, week_two[0], pain="2")
    assert again.headers["Location"] == week_two[0].get_absolute_url()
    page = client.get(week_two[0].get_absolute_url()).content.decode()
    assert "Saved: another practice of" in page


def test_a_high_pain_check_in_brings_the_gentle_message_at_once(client, alice, week_two):
    client.force_login(alice)
    response = _log(client, week_two[0], pain="8", then="next")
    page = client.get(response.headers["Location"]).content.decode()
    assert "That is worth listening to" in page  # the instructor's wording, from the migration
