"""Nothing a client has can vanish by one click: content clients have had is archived, not
deleted, and deleting anything else goes through a confirmation."""

import pytest
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from lessons.models import Lesson, Week
from programs.models import Completion


@pytest.fixture
def admin(client, instructor):
    client.force_login(instructor)
    return client


@pytest.fixture
def done_class(alice, program):
    """A week-1 class that alice marked done."""
    lesson = program.lessons.filter(week__number=1).first()
    Completion.objects.create(user=alice, lesson=lesson)
    return lesson


def test_a_week_a_client_has_done_cannot_be_deleted_and_the_page_says_why(admin, done_class):
    week = done_class.week
    change_page = admin.get(reverse("admin:lessons_week_change", args=[week.pk])).text

    assert "1 client marked it done; it has opened for 1 client" in change_page
    assert reverse("admin:lessons_week_delete", args=[week.pk]) not in change_page
    assert admin.post(reverse("admin:lessons_week_delete", args=[week.pk])).status_code == 403
    assert Week.objects.filter(pk=week.pk).exists()


def test_a_class_that_has_opened_for_a_client_cannot_be_deleted(admin, alice, program):
    lesson = program.lessons.filter(week__number=2).first()  # alice is on day 11

    response = admin.post(reverse("admin:lessons_lesson_delete", args=[lesson.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Lesson.objects.filter(pk=lesson.pk).exists()


def test_a_class_no_client_has_reached_is_deleted_after_a_confirmation(admin, alice, program):
    lesson = program.lessons.filter(week__number=8).first()
    url = reverse("admin:lessons_lesson_delete", args=[lesson.pk])

    confirmation = admin.get(url)
    assert confirmation.status_code == 200
    assert "Are you sure" in confirmation.text
    assert "No client has this class yet" in confirmation.text
    assert Lesson.objects.filter(pk=lesson.pk).exists()

    admin.post(url, {"post": "yes"})
    assert not Lesson.objects.filter(pk=lesson.pk).exists()


def test_archiving_hides_a_week_from_clients_and_restoring_brings_back_their_progress(
    admin, alice, done_class
):
    week = done_class.week
    alice_client = Client()
    alice_client.force_login(alice)

    admin.post(
        reverse("admin:lessons_week_changelist"),
        {"action": "archive", "_selected_action": [week.pk]},
    )
    week.refresh_from_db()
    assert week.status == "archived"
    assert Completion.objects.filter(user=alice, lesson=done_class).exists()
    assert alice_client.get(reverse("programs:week", args=[1])).status_code == 404

    admin.post(
        reverse("admin:lessons_week_changelist"),
        {"action": "publish", "_selected_action": [week.pk]},
    )
    week_page = alice_client.get(reverse("programs:week", args=[1]))
    assert week_page.status_code == 200
    assert "1 of 3 classes done this week" in week_page.text


def test_each_action_says_how_many_weeks_or_classes_it_changed(admin, program):
    weeks = list(program.weeks.values_list("pk", flat=True)[:2])
    lesson = program.lessons.first()

    to_drafts = admin.post(
        reverse("admin:lessons_week_changelist"),
        {"action": "make_draft", "_selected_action": weeks},
        follow=True,
    )
    published = admin.post(
        reverse("admin:lessons_lesson_changelist"),
        {"action": "publish", "_selected_action": [lesson.pk]},
        follow=True,
    )

    assert "2 weeks moved to drafts." in to_drafts.text
    assert set(Week.objects.filter(pk__in=weeks).values_list("status", flat=True)) == {"draft"}
    assert "1 class published." in published.text


def test_the_program_page_has_no_delete_box_for_weeks_and_the_week_page_none_for_classes(
    admin, program
):
    program_page = admin.get(reverse("admin:lessons_program_change", args=[program.pk])).text
    week_page = admin.get(
        reverse("admin:lessons_week_change", args=[program.weeks.first().pk])
    ).text

    assert "weeks-0-DELETE" not in program_page
    assert "lessons-0-DELETE" not in week_page


def test_the_bulk_delete_action_is_gone_for_weeks_and_classes(admin, program):
    for name in ["admin:lessons_week_changelist", "admin:lessons_lesson_changelist"]:
        page = admin.get(reverse(name)).text
        assert 'value="delete_selected"' not in page
        assert 'value="archive"' in page


def test_a_client_record_is_never_cascaded_away_by_deleting_content(done_class):
    with pytest.raises(ProtectedError):
        done_class.delete()
    assert Completion.objects.filter(lesson=done_class).exists()
