"""Asking the instructor about a class: one email to her with the client as reply-to, one record
in the admin, clear errors for empty, huge or too many questions, and the words kept private."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from programs.models import Question
from programs.questions import DAILY_LIMIT


@pytest.fixture
def lesson(program):
    return program.lessons.filter(week__number=1).first()


def _ask(client, lesson, message):
    return client.post(reverse("programs:ask", args=[lesson.slug]), {"message": message})


def test_a_question_reaches_the_instructor_once_with_the_client_as_reply_to(
    client, alice, lesson, settings, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, lesson, "My left hip clicks in the bridge. Is that OK?")

    assert response.status_code == 302
    assert response.headers["Location"] == lesson.get_absolute_url()
    question = Question.objects.get()
    assert (question.user, question.lesson, question.lesson_title) == (alice, lesson, lesson.title)
    [email] = mail.outbox
    assert email.to == [settings.INSTRUCTOR_EMAIL]
    assert email.reply_to == [alice.email]
    assert lesson.title in email.subject
    assert "My left hip clicks in the bridge" in email.body
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "Your question is on its way" in page
    assert "My left hip clicks" not in page  # not echoed into the page or its URL


@pytest.mark.parametrize(
    ("message", "error"),
    [("   ", "Write your question first"), ("x" * 2001, "under 2,000 characters")],
    ids=["empty", "huge"],
)
def test_an_empty_or_huge_question_gets_a_clear_error_and_sends_nothing(
    client, alice, lesson, message, error
):
    client.force_login(alice)
    response = _ask(client, lesson, message)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Question.objects.exists()
    assert mail.outbox == []


def test_a_client_may_ask_a_few_questions_a_day_then_is_told_to_wait(client, alice, lesson):
    client.force_login(alice)
    for n in range(DAILY_LIMIT):
        assert _ask(client, lesson, f"Question {n}").status_code == 302
    response = _ask(client, lesson, "One more")
    assert response.status_code == 400
    assert "the most for one day" in response.content.decode()
    assert Question.objects.count() == DAILY_LIMIT


def test_a_locked_class_cannot_be_asked_about(client, bob, program):
    locked = program.lessons.filter(week__number=3).first()
    client.force_login(bob)
    assert _ask(client, locked, "Hello?").status_code == 403
    assert not Question.objects.exists()


def test_the_question_text_stays_out_of_the_logs(client, alice, lesson, caplog):
    caplog.set_level(logging.DEBUG)
    client.force_login(alice)
    _ask(client, lesson, "Private words about my sciatica")
    assert "sciatica" not in caplog.text


def test_the_instructor_sees_questions_in_the_admin_and_ticks_them_replied(
    client, alice, lesson, instructor
):
    client.force_login(alice)
    _ask(client, lesson, "How many times a week?")
    question = Question.objects.get()
    client.force_login(instructor)

    listing = client.get(reverse("admin:programs_question_changelist")).content.decode()
    assert "How many times a week?" in listing
    client.post(reverse("admin:programs_question_change", args=[question.pk]), {"replied": "on"})
    question.refresh_from_db()
    assert question.replied
    assert client.get(reverse("admin:programs_question_add")).status_code == 403
