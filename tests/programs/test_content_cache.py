"""Pages take the program's content from a copy kept per content version (`lessons.catalog`):
whatever the instructor changes shows on the next page any client opens, on any web node, and
one client's ticks never reach another's page."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lessons.models import Exercise, Lesson, Program, Status
from programs.models import Completion
from tests.factories import ExerciseFactory, LessonFactory
from tests.lessons.test_uploads import _image_bytes
from tests.workers import database_url

ROOT = Path(__file__).resolve().parents[2]


def _pages(lesson):
    return [
        reverse("programs:dashboard"),
        reverse("programs:week", args=[lesson.week.number]),
        lesson.get_absolute_url(),
    ]


def _texts(client, user, urls):
    client.force_login(user)
    responses = [client.get(url) for url in urls]
    assert [response.status_code for response in responses] == [200] * len(urls)
    return [response.text for response in responses]


@pytest.fixture
def first_class(program):
    return program.lessons.get(week__number=1, position=0)


def test_an_edited_class_shows_at_once_on_every_page_for_every_client(
    client, alice, bob, first_class
):
    pages = _pages(first_class)
    for user in (alice, bob):  # both have seen every page: the content is kept
        assert all(first_class.title in text for text in _texts(client, user, pages))

    first_class.title = "Hip hinge, slower"
    first_class.notes = "Breathe out as you **fold**."
    first_class.save()

    for user in (alice, bob):
        dashboard, week, class_page = _texts(client, user, pages)
        assert "Hip hinge, slower" in dashboard and "Hip hinge, slower" in week
        assert "Hip hinge, slower" in class_page
        assert "<strong>fold</strong>" in class_page


@pytest.mark.usefixtures("file_storage")
def test_a_new_exercise_picture_shows_at_once(client, alice, first_class):
    exercise = ExerciseFactory(lesson=first_class, name="Bridge")
    exercise.image = SimpleUploadedFile("bridge.png", _image_bytes(), content_type="image/png")
    exercise.image_alt = "Lying on the back, hips lifted"
    exercise.save()
    (before,) = _texts(client, alice, [first_class.get_absolute_url()])
    assert exercise.image.url in before

    exercise.image = SimpleUploadedFile(
        "bridge-side.png", _image_bytes(size=(800, 600)), content_type="image/png"
    )
    exercise.image_alt = "The bridge, seen from the side"
    exercise.save()

    (after,) = _texts(client, alice, [first_class.get_absolute_url()])
    assert exercise.image.url in after and "The bridge, seen from the side" in after
    assert Exercise.objects.get(pk=exercise.pk).image.url in after
    assert "Lying on the back, hips lifted" not in after


def _order(text, titles):
    """The titles in the order of the page's class list (the week page's, or the class page's
    drawer of its week)."""
    listed = text[
        text.index('class="lesson-cards"' if "lesson-cards" in text else "week-outline") :
    ]
    return sorted(titles, key=listed.index)


@pytest.mark.parametrize("how", ["saved one by one", "bulk update"])
def test_a_new_order_of_a_weeks_classes_shows_at_once(client, alice, program, how):
    """Her week page saves each class's position; a sortable list saves them in one bulk
    update, which sends no save signals."""
    classes = list(program.lessons.filter(week__number=1).order_by("position"))
    titles = ["Pelvic clock", "Clamshell", "Bridge"]
    for lesson, title in zip(classes, titles, strict=True):
        lesson.title = title
        lesson.save()
    pages = [reverse("programs:week", args=[1]), classes[0].get_absolute_url()]
    assert all(_order(text, titles) == titles for text in _texts(client, alice, pages))

    for position, lesson in enumerate(reversed(classes)):
        lesson.position = position
        if how == "saved one by one":
            lesson.save(update_fields=["position"])
    if how == "bulk update":
        Lesson.objects.bulk_update(classes, ["position"])

    reordered = titles[::-1]
    assert all(_order(text, titles) == reordered for text in _texts(client, alice, pages))


def test_publishing_a_draft_class_in_the_admin_shows_it_to_clients_at_once(
    client, alice, instructor, program
):
    draft = LessonFactory(
        program=program, week=program.weeks.get(number=1), title="Side plank", status="draft"
    )
    dashboard, week = _texts(client, alice, _pages(draft)[:2])
    assert "Side plank" not in dashboard and "Side plank" not in week
    assert client.get(draft.get_absolute_url()).status_code == 404

    client.force_login(instructor)
    response = client.post(
        reverse("admin:lessons_lesson_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    assert Lesson.objects.get(pk=draft.pk).status == Status.PUBLISHED

    assert all("Side plank" in text for text in _texts(client, alice, _pages(draft)))


def test_a_change_to_the_program_row_shows_at_once(client, alice, first_class):
    (before,) = _texts(client, alice, [first_class.get_absolute_url()])
    assert "Ask Maya Ellison about this class" in before

    Program.objects.update(instructor_name="Maya E.")

    (after,) = _texts(client, alice, [first_class.get_absolute_url()])
    assert "Ask Maya E. about this class" in after


def test_one_client_never_sees_another_clients_ticks(client, alice, bob, first_class):
    pages = _pages(first_class)
    _texts(client, bob, pages)
    Completion.objects.create(user=alice, lesson=first_class)

    alice_dashboard, alice_week, alice_class = _texts(client, alice, pages)
    bob_dashboard, bob_week, bob_class = _texts(client, bob, pages)

    assert "You finished this class" in alice_class
    assert "You finished this class" not in bob_class
    assert "1 of 3 classes done this week" in alice_week
    assert "0 of 3 classes done this week" in bob_week
    assert "1 of 24 classes done" in alice_dashboard
    assert "0 of 24 classes done" in bob_dashboard


@pytest.mark.django_db(transaction=True)
def test_a_change_saved_on_another_web_node_shows_here(client, alice, first_class):
    """Another process (another web node) saves the class: this process kept the old content,
    and must not show it once the change is committed."""
    (before,) = _texts(client, alice, [first_class.get_absolute_url()])
    assert first_class.title in before

    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from lessons.models import Lesson; "
            f"lesson = Lesson.objects.get(pk={first_class.pk}); "
            "lesson.title = 'Saved on node B'; lesson.save()",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url()},
        check=True,
        capture_output=True,
    )

    (after,) = _texts(client, alice, [first_class.get_absolute_url()])
    assert "Saved on node B" in after
