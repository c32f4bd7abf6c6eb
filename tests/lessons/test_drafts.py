"""Drafts and publishing: the instructor prepares a week or a class while clients follow the
program; clients, their emails and their PDFs see only what is published."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from lessons.models import Program, Status
from programs import notices
from tests.factories import ExerciseFactory, LessonFactory, UserFactory, enroll_days_ago


@pytest.fixture
def draft_week(program):
    """Week 2 (open for alice) is still a draft."""
    week = program.weeks.get(number=2)
    week.status = Status.DRAFT
    week.save()
    return week


@pytest.fixture
def draft_class(program):
    """A new class in week 1 that is still a draft, with an exercise."""
    lesson = LessonFactory(
        program=program, week=program.weeks.get(number=1), title="Draft hinge", status="draft"
    )
    ExerciseFactory(lesson=lesson, name="Secret hinge")
    ExerciseFactory(lesson=program.lessons.filter(week__number=1).first(), name="Known bridge")
    return lesson


def test_clients_do_not_see_a_draft_week_or_its_classes(client, alice, draft_week):
    client.force_login(alice)
    dashboard = client.get(reverse("programs:dashboard")).text
    lesson = draft_week.lessons.first()

    assert "Week 2 title" not in dashboard
    assert client.get(reverse("programs:week", args=[2])).status_code == 404
    assert client.get(lesson.get_absolute_url()).status_code == 404
    assert "Week 2 title" not in client.get(reverse("programs:sales")).text


def test_clients_do_not_see_a_draft_class_in_pages_pdfs_or_emails(
    client, alice, draft_class, told_through, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    week_page = client.get(reverse("programs:week", args=[1])).text
    pdf = client.get(reverse("programs:week_pdf", args=[1]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.getvalue())).pages)

    assert "Draft hinge" not in week_page
    assert client.get(draft_class.get_absolute_url()).status_code == 404
    assert client.get(reverse("programs:lesson_pdf", args=[draft_class.slug])).status_code == 404
    assert "Known bridge" in text
    assert "Secret hinge" not in text

    draft_class.week = draft_class.program.weeks.get(number=2)
    draft_class.save()
    told_through(alice.enrollments.get(), 1)
    with django_capture_on_commit_callbacks(execute=True):
        notices.sweep()
    (email,) = mail.outbox
    assert email.subject == "Week 2 is open: Week 2 title"
    assert "Draft hinge" not in email.body


def test_staff_preview_shows_drafts_marked_as_drafts(client, instructor, draft_week, draft_class):
    client.force_login(instructor)
    client.post(reverse("programs:preview"), {"day": 15})

    dashboard = client.get(reverse("programs:dashboard")).text
    week_page = client.get(reverse("programs:week", args=[2]))
    class_page = client.get(draft_class.get_absolute_url())

    assert "Week 2 title" in dashboard
    assert dashboard.count("Draft: clients cannot see it") == 2
    assert week_page.status_code == 200
    assert "Draft: clients cannot see it" in class_page.text


def test_publishing_a_draft_shows_it_to_clients_at_once(client, alice, draft_week):
    client.force_login(alice)
    assert client.get(reverse("programs:week", args=[2])).status_code == 404

    draft_week.status = Status.PUBLISHED
    draft_week.save()

    assert client.get(reverse("programs:week", args=[2])).status_code == 200
    assert "Week 2 title" in client.get(reverse("programs:dashboard")).text


def test_unpublishing_the_program_closes_the_shop_but_enrolled_clients_keep_it(
    client, alice, program
):
    Program.objects.filter(pk=program.pk).update(is_published=False)

    assert client.get(reverse("programs:sales")).status_code == 404
    assert client.get(reverse("billing:enrol")).status_code == 404
    client.force_login(alice)
    assert client.get(reverse("programs:dashboard")).status_code == 200
    assert client.get(reverse("programs:week", args=[2])).status_code == 200
    lesson = program.lessons.filter(week__number=1).first()
    assert client.get(lesson.get_absolute_url()).status_code == 200


def test_a_week_still_a_draft_is_announced_once_it_is_published_and_not_before(
    alice, draft_week, told_through, django_capture_on_commit_callbacks
):
    told_through(alice.enrollments.get(), 1)

    with django_capture_on_commit_callbacks(execute=True):
        notices.sweep()
    assert mail.outbox == []

    draft_week.status = Status.PUBLISHED
    draft_week.save()
    with django_capture_on_commit_callbacks(execute=True):
        notices.sweep()
    assert [m.subject for m in mail.outbox] == ["Week 2 is open: Week 2 title"]


def test_the_program_is_not_complete_while_its_last_week_is_a_draft(
    program, told_through, django_capture_on_commit_callbacks
):
    enrollment = enroll_days_ago(UserFactory(), program, 70)
    told_through(enrollment, 7)
    program.weeks.filter(number=8).update(status=Status.DRAFT)

    with django_capture_on_commit_callbacks(execute=True):
        notices.sweep()
    assert mail.outbox == []

    program.weeks.filter(number=8).update(status=Status.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        notices.sweep()
    (email,) = mail.outbox
    assert email.subject == "Your whole program is open"
    assert enrollment.notices.order_by("-week").first().week == 9
