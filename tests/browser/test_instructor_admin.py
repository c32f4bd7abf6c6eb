"""The instructor reorganises the program in the admin, in a real browser, on a Sunday evening."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lessons.models import Lesson, Status, Week
from programs.models import Completion
from tests.factories import PASSWORD

from .conftest import LAPTOP, sign_in


@pytest.fixture
def admin_page(page, site, instructor):
    sign_in(page, site, instructor.email, PASSWORD)
    return page


def _titles_in_admin(page):
    return page.locator(
        "fieldset.sortable tbody tr.has_original td.field-title input"
    ).evaluate_all("inputs => inputs.map(input => input.value)")


@pytest.mark.browser_context_args(**LAPTOP)
def test_the_instructor_drags_a_class_to_the_top_of_its_week(admin_page, site, alice, program):
    week = program.weeks.get(number=2)
    first, second, third = week.lessons.order_by("position")
    admin_page.goto(site + reverse("admin:lessons_week_change", args=[week.pk]))
    assert _titles_in_admin(admin_page) == [first.title, second.title, third.title]

    rows = admin_page.locator("fieldset.sortable tbody tr.has_original")
    rows.nth(2).locator("td.original p").drag_to(rows.nth(0).locator("td.original p"))
    assert _titles_in_admin(admin_page) == [third.title, first.title, second.title]
    admin_page.get_by_role("button", name="Save and continue editing").click()
    expect(admin_page.get_by_text("was changed successfully")).to_be_visible()

    assert list(week.lessons.in_order().values_list("title", flat=True)) == [
        third.title, first.title, second.title,
    ]  # fmt: skip
    admin_page.goto(site + reverse("admin:lessons_lesson_add"))
    expect(admin_page.get_by_label("Position")).to_have_count(0)


@pytest.mark.browser_context_args(**LAPTOP)
def test_a_week_no_client_has_had_is_deleted_after_a_confirmation(admin_page, site, alice, program):
    week = program.weeks.get(number=8)
    admin_page.goto(site + reverse("admin:lessons_week_change", args=[week.pk]))
    expect(admin_page.get_by_text("No client has opened it yet")).to_be_visible()

    admin_page.get_by_role("link", name="Delete").click()
    expect(admin_page.get_by_text("deleting it changes nothing for any client")).to_be_visible()
    admin_page.get_by_role("button", name="Yes, I’m sure").click()

    expect(admin_page.get_by_text("was deleted successfully")).to_be_visible()
    assert not Week.objects.filter(pk=week.pk).exists()


@pytest.mark.browser_context_args(**LAPTOP)
def test_a_class_a_client_did_is_archived_not_deleted_and_her_progress_stays(
    admin_page, site, alice, program
):
    lesson = program.lessons.filter(week__number=1).first()
    Completion.objects.create(user=alice, lesson=lesson)
    admin_page.goto(site + reverse("admin:lessons_lesson_change", args=[lesson.pk]))
    expect(admin_page.get_by_text("It cannot be deleted")).to_be_visible()
    expect(admin_page.get_by_role("link", name="Delete")).to_have_count(0)

    admin_page.goto(site + reverse("admin:lessons_lesson_changelist"))
    admin_page.get_by_role(
        "checkbox", name=f"Select this object for an action - {lesson.title}", exact=True
    ).check()
    admin_page.locator("select[name=action]").select_option(
        label="Archive: hide from clients, keep their progress"
    )
    admin_page.get_by_role("button", name="Go").click()

    expect(admin_page.get_by_text("1 class archived.")).to_be_visible()
    lesson.refresh_from_db()
    assert lesson.status == Status.ARCHIVED
    assert Completion.objects.filter(lesson=lesson).count() == 1
    assert Lesson.objects.filter(pk=lesson.pk).exists()
