from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from lessons.models import Lesson
from programs import services
from programs.models import Enrollment
from tests.factories import UserFactory

ADMIN_PAGES = [
    "admin:lessons_program_changelist",
    "admin:lessons_week_changelist",
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


NO_PAUSES = {"pauses-TOTAL_FORMS": "0", "pauses-INITIAL_FORMS": "0"}


def test_the_instructor_comps_access_and_the_client_gets_in(client, instructor, program, dave):
    client.force_login(instructor)
    response = client.post(
        reverse("admin:programs_enrollment_add"),
        {
            "user": dave.pk,
            "program": program.pk,
            "starts_on": "2026-01-05",
            "source": "comp",
            **NO_PAUSES,
        },
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


def test_comping_a_client_who_already_has_an_enrollment_is_refused_clearly(
    client, instructor, alice
):
    enrollment = alice.enrollments.get()
    services.end_access(enrollment, Enrollment.Status.SUSPENDED)
    client.force_login(instructor)
    response = client.post(
        reverse("admin:programs_enrollment_add"),
        {
            "user": alice.pk,
            "program": enrollment.program_id,
            "starts_on": "2026-01-05",
            "source": "comp",
        },
    )
    assert "already has an enrollment in this program (suspended" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.SUSPENDED
    assert alice.enrollments.count() == 1


def test_comping_with_everything_unlocked_opens_every_week(client, instructor, program, dave):
    client.force_login(instructor)
    client.post(
        reverse("admin:programs_enrollment_add"),
        {
            "user": dave.pk,
            "program": program.pk,
            "starts_on": "2026-01-05",
            "source": "comp",
            "unlocked_all": "on",
            **NO_PAUSES,
        },
    )
    assert Enrollment.objects.get(user=dave).unlocked_all


def test_the_instructor_adds_a_class_on_its_weeks_admin_page(client, instructor, program):
    week = program.weeks.get(number=1)
    client.force_login(instructor)
    page = client.get(reverse("admin:lessons_week_change", args=[week.pk]))
    form = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None
    }
    inline = page.context["inline_admin_formsets"][0].formset
    data = {**form, "program": program.pk}
    data.update(
        {
            f"{inline.prefix}-TOTAL_FORMS": str(inline.total_form_count() + 1),
            f"{inline.prefix}-INITIAL_FORMS": str(inline.initial_form_count()),
        }
    )
    for index, lesson_form in enumerate(inline.initial_forms):
        for field in ["id", "position", "title", "slug", "status", "duration_minutes"]:
            value = lesson_form.initial.get(field, lesson_form.instance.pk if field == "id" else "")
            data[f"{inline.prefix}-{index}-{field}"] = value
        data[f"{inline.prefix}-{index}-week"] = week.pk
    new = inline.total_form_count()
    data.update(
        {
            f"{inline.prefix}-{new}-position": "9",
            f"{inline.prefix}-{new}-title": "Hip hinge basics",
            f"{inline.prefix}-{new}-slug": "hip-hinge-basics",
            f"{inline.prefix}-{new}-duration_minutes": "15",
            f"{inline.prefix}-{new}-status": "published",
            f"{inline.prefix}-{new}-week": week.pk,
        }
    )

    response = client.post(reverse("admin:lessons_week_change", args=[week.pk]), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    lesson = Lesson.objects.get(slug="hip-hinge-basics")
    assert lesson.week == week and lesson.program == program


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


def test_an_instructor_cannot_make_anyone_staff_or_superuser(client, instructor, dave):
    client.force_login(instructor)
    url = reverse("admin:accounts_user_change", args=[dave.pk])
    page = client.get(url)
    assert page.status_code == 200
    client.post(
        url,
        {
            "email": dave.email,
            "first_name": "David",
            "last_name": "",
            "time_zone": "America/New_York",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    dave.refresh_from_db()
    assert dave.first_name == "David"
    assert not dave.is_staff and not dave.is_superuser
    client.post(reverse("admin:accounts_user_change", args=[instructor.pk]), {"is_superuser": "on"})
    instructor.refresh_from_db()
    assert not instructor.is_superuser


def test_an_instructor_cannot_change_another_staff_account_or_any_password(
    client, instructor, dave
):
    boss = User.objects.create_superuser("owner@example.com", "owner-password-1")
    client.force_login(instructor)
    response = client.post(
        reverse("admin:accounts_user_change", args=[boss.pk]), {"email": "me@evil.example"}
    )
    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.email == "owner@example.com"
    password_url = reverse("admin:auth_user_password_change", args=[dave.pk])
    assert client.get(password_url).status_code == 403


def _admin_page_data(page):
    """An admin page's fields as loaded (the program's, a week's), its inline rows untouched."""
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def _program_page_with_week_numbers(client, program, numbers):
    """The program page posted with its weeks as loaded, except their numbers: {old: new}."""
    page = client.get(reverse("admin:lessons_program_change", args=[program.pk]))
    data = _admin_page_data(page)
    weeks = page.context["inline_admin_formsets"][0].formset
    data[f"{weeks.prefix}-TOTAL_FORMS"] = data[f"{weeks.prefix}-INITIAL_FORMS"] = str(
        weeks.total_form_count()
    )
    for index, form in enumerate(weeks.initial_forms):
        row = {"id": form.instance.pk, "program": program.pk, **form.initial}
        row["number"] = numbers.get(form.instance.number, form.instance.number)
        data.update({f"{weeks.prefix}-{index}-{field}": value for field, value in row.items()})
    return client.post(reverse("admin:lessons_program_change", args=[program.pk]), data)


def test_the_instructor_swaps_two_weeks_by_swapping_their_numbers(client, instructor, program):
    first, second = program.weeks.get(number=1), program.weeks.get(number=2)
    client.force_login(instructor)

    response = _program_page_with_week_numbers(client, program, {1: 2, 2: 1})

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.number, second.number) == (2, 1)


def test_two_weeks_given_one_number_are_refused_and_nothing_changes(client, instructor, program):
    client.force_login(instructor)
    before = list(program.weeks.order_by("pk").values_list("number", flat=True))

    response = _program_page_with_week_numbers(client, program, {2: 1})

    assert response.status_code == 200
    assert "Two weeks cannot both be week 1" in response.text
    assert list(program.weeks.order_by("pk").values_list("number", flat=True)) == before


def test_a_week_given_another_weeks_number_on_its_own_page_is_refused_in_plain_words(
    client, instructor, program
):
    week = program.weeks.get(number=2)
    client.force_login(instructor)
    url = reverse("admin:lessons_week_change", args=[week.pk])
    data = {**_admin_page_data(client.get(url)), "number": 1}

    response = client.post(url, data)

    assert response.status_code == 200
    assert "The program already has a week with this number." in response.text
    week.refresh_from_db()
    assert week.number == 2


@pytest.mark.parametrize("typed", ["149", "149.00"])
def test_the_price_is_typed_in_money_and_charged_in_minor_units(client, instructor, program, typed):
    client.force_login(instructor)
    page = client.get(reverse("admin:lessons_program_change", args=[program.pk]))
    assert page.context["adminform"].form.initial["price"] == Decimal("149.00")
    data = {**_admin_page_data(page), "price": typed, "currency": "eur"}

    response = client.post(reverse("admin:lessons_program_change", args=[program.pk]), data)

    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.price_amount, program.currency, program.price_display) == (14900, "eur", "€149")


def test_a_currency_outside_the_list_is_refused(client, instructor, program):
    client.force_login(instructor)
    page = client.get(reverse("admin:lessons_program_change", args=[program.pk]))
    data = {**_admin_page_data(page), "currency": "doge"}

    response = client.post(reverse("admin:lessons_program_change", args=[program.pk]), data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    program.refresh_from_db()
    assert program.currency == "usd"


def test_a_class_gets_its_web_address_from_its_title_and_keeps_it(program):
    week = program.weeks.get(number=1)
    first = Lesson.objects.create(week=week, title="Hip hinge: the basics")
    second = Lesson.objects.create(week=week, title="Hip hinge: the basics")

    first.title = "Hip hinge, renamed"
    first.save()
    first.refresh_from_db()

    assert (first.slug, second.slug) == ("hip-hinge-the-basics", "hip-hinge-the-basics-2")


def test_the_class_page_in_the_admin_speaks_her_words(client, instructor, program):
    client.force_login(instructor)
    lesson = program.lessons.first()

    page = client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk])).text

    assert "Captions file (.vtt)" in page
    assert 'name="slug"' not in page


def test_the_class_page_in_the_admin_shows_the_video_as_clients_see_it(client, instructor, program):
    lesson = program.lessons.first()
    lesson.video_url = "https://vimeo.com/123456789/abcdef1234"
    lesson.save()
    client.force_login(instructor)

    page = client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk])).text

    assert 'data-embed="https://player.vimeo.com/video/123456789?h=abcdef1234"' in page
    assert "js/video.js" in page


def test_a_new_class_starts_as_a_draft_in_the_only_program(client, instructor, program):
    client.force_login(instructor)
    form = client.get(reverse("admin:lessons_lesson_add")).context["adminform"].form
    assert form.initial["status"] == "draft"
    assert form.initial["program"] == program.pk


def test_a_class_moved_to_another_week_goes_to_its_end(client, instructor, program):
    moved = program.lessons.filter(week__number=2).first()
    week_one = program.weeks.get(number=1)
    client.force_login(instructor)
    page = client.get(reverse("admin:lessons_lesson_change", args=[moved.pk]))
    data = {
        **{k: v for k, v in page.context["adminform"].form.initial.items() if v is not None},
        "captions": "",
        "week": week_one.pk,
        "exercises-TOTAL_FORMS": "0",
        "exercises-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("admin:lessons_lesson_change", args=[moved.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(week_one.lessons.in_order())[-1] == moved


@pytest.mark.parametrize(
    "url_name", ["admin:programs_completion_add", "admin:programs_question_add"]
)
def test_client_records_cannot_be_made_up_in_the_admin(client, instructor, url_name):
    client.force_login(instructor)
    assert client.get(reverse(url_name)).status_code == 403


def test_the_program_and_enrollments_cannot_be_deleted(client, instructor, alice, program):
    client.force_login(instructor)
    enrollment = alice.enrollments.get()
    assert client.get(reverse("admin:lessons_program_delete", args=[program.pk])).status_code == 403
    assert (
        client.get(reverse("admin:programs_enrollment_delete", args=[enrollment.pk])).status_code
        == 403
    )
    changelist = client.get(reverse("admin:programs_enrollment_changelist"))
    assert "delete_selected" not in changelist.content.decode()
