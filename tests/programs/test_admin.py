import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from programs.models import Enrollment
from tests.factories import UserFactory

ADMIN_PAGES = [
    "admin:programs_program_changelist",
    "admin:programs_week_changelist",
    "admin:programs_enrollment_changelist",
    "admin:lessons_lesson_changelist",
    "admin:lessons_exercise_changelist",
    "admin:accounts_user_changelist",
]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_the_instructor_can_use_every_content_page_of_the_admin(client, instructor, program, page):
    client.force_login(instructor)
    assert client.get(reverse(page)).status_code == 200


def test_the_instructor_edits_a_class_with_its_exercises_inline(client, instructor, program):
    lesson = program.lessons.first()
    client.force_login(instructor)
    page = client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk])).content.decode()
    assert "exercises-TOTAL_FORMS" in page
    assert "View on site" in page


def test_the_instructor_comps_access_and_the_client_gets_in(client, instructor, program, dave):
    client.force_login(instructor)
    response = client.post(
        reverse("admin:programs_enrollment_add"),
        {"user": dave.pk, "program": program.pk, "starts_on": "2026-01-05", "source": "comp"},
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(user=dave)
    assert enrollment.source == "comp" and enrollment.has_access


def test_revoking_from_the_admin_takes_access_away_at_once(client, instructor, alice):
    enrollment = alice.enrollments.get()
    client.force_login(instructor)
    client.post(
        reverse("admin:programs_enrollment_changelist"),
        {"action": "revoke", "_selected_action": [enrollment.pk]},
    )
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.REVOKED
    client.force_login(alice)
    assert client.get(reverse("programs:dashboard")).status_code == 302


def test_comping_a_client_who_already_has_access_creates_nothing(client, instructor, alice):
    client.force_login(instructor)
    response = client.post(
        reverse("admin:programs_enrollment_add"),
        {
            "user": alice.pk,
            "program": alice.enrollments.get().program_id,
            "starts_on": "2026-01-05",
            "source": "comp",
        },
        follow=True,
    )
    assert "already had access; nothing new was created" in response.content.decode()
    assert alice.enrollments.count() == 1


def test_create_instructor_makes_a_staff_account_that_is_not_superuser(db):
    call_command("create_instructor", "coach@example.com", "--password", "long-enough-pw")
    user = User.objects.get(email="coach@example.com")
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("lessons.change_exercise")
    assert not user.has_perm("auth.change_group")


def test_clients_cannot_open_the_admin(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_users_sign_in_with_email_and_have_no_username(db):
    user = UserFactory(email="Someone@Example.com")
    assert not hasattr(user, "username") or user.username is None
