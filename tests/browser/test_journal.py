"""The practice journal in a real browser: the check-in on the Done step, the progress page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from journal.models import Practice
from tests.factories import PASSWORD

from .conftest import PHONE, axe_violations, sign_in


@pytest.mark.browser_context_args(**PHONE)
def test_a_client_checks_in_on_the_done_step_and_sees_it_on_my_progress(page, site, alice, program):
    first, second, _ = program.lessons.filter(week__number=2).order_by("position")
    sign_in(page, site, alice.email, PASSWORD)
    page.goto(site + first.get_absolute_url())

    check_in = page.locator("form.done-form fieldset.check-in")
    check_in.get_by_role("radio", name="4", exact=True).check()
    check_in.get_by_role("radio", name="About right").check()
    check_in.get_by_label("A note for yourself").fill("Left hip a bit tight")
    page.get_by_role("button", name="Done, next class").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)
    practice = Practice.objects.get()
    assert (practice.lesson, practice.pain, practice.effort, practice.note) == (
        first, 4, "about_right", "Left hip a bit tight"
    )  # fmt: skip
    page.get_by_role("link", name="My progress").click()
    expect(page.get_by_role("img", name="Pain over the program")).to_be_visible()
    expect(page.get_by_role("row", name="2 1 4")).to_be_visible()


def test_the_journal_pages_have_no_accessibility_violations(
    viewport_page, site, alice, instructor, program
):
    lesson = program.lessons.filter(week__number=1).first()
    Practice.objects.create(user=alice, lesson=lesson, pain=8, effort="too_hard")
    sign_in(viewport_page, site, alice.email, PASSWORD)
    found = {}
    for path in [
        reverse("journal:progress"),
        reverse("journal:check", args=[0]),
        reverse("journal:delete"),
        lesson.get_absolute_url(),
    ]:
        viewport_page.goto(site + path)
        found[path] = axe_violations(viewport_page)
    viewport_page.goto(site + reverse("journal:check", args=[0]))
    viewport_page.get_by_role("button", name="Save my progress check").click()
    found["check with errors"] = axe_violations(viewport_page)

    viewport_page.context.clear_cookies()
    sign_in(viewport_page, site, instructor.email, PASSWORD)
    for path in [
        reverse("journal:clients"),
        reverse("journal:client", args=[alice.enrollments.get().pk]),
    ]:
        viewport_page.goto(site + path)
        found[path] = axe_violations(viewport_page)
    assert {path: v for path, v in found.items() if v} == {}


@pytest.mark.browser_context_args(**PHONE, bypass_csp=True)  # axe runs in the page
def test_a_client_pauses_for_a_holiday_and_resumes_early_on_a_phone(page, site, alice):
    sign_in(page, site, alice.email, PASSWORD)
    page.goto(f"{site}/program/")
    page.get_by_role("link", name="Change, pause or repeat a week").click()
    assert axe_violations(page) == []
    page.get_by_role("combobox", name="Pause for").select_option(label="10 days")
    page.get_by_label("Why (optional)").select_option(label="A holiday")
    page.get_by_role("button", name="Pause my program").click()

    expect(page.get_by_text("Your program is paused until")).to_be_visible()
    assert axe_violations(page) == []
    assert alice.enrollments.get().pauses.get().days == 10
    page.get_by_role("button", name="Resume now").click()
    expect(page.get_by_text("Welcome back")).to_be_visible()
    assert alice.enrollments.get().pauses.get().ended_on is not None
