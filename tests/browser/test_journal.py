"""The practice journal in a real browser: the check-in on the Done step, the progress page."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from journal.models import Practice
from tests.factories import PASSWORD

from .conftest import LAPTOP, PHONE, axe_violations, sign_in

pytestmark = pytest.mark.usefixtures("journal_data")


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

    expect(page.get_by_text("Your program is paused through")).to_be_visible()
    assert axe_violations(page) == []
    assert alice.enrollments.get().pauses.get().days == 10
    page.get_by_role("button", name="Resume now").click()
    expect(page.get_by_text("Welcome back")).to_be_visible()
    assert alice.enrollments.get().pauses.get().ended_on is not None


@pytest.mark.browser_context_args(**PHONE)
def test_a_client_repeats_a_week_from_its_last_day_on_a_phone(page, site, alice):
    enrollment = alice.enrollments.get()
    planned = enrollment.week_opens_at(3)
    with time_machine.travel(planned - dt.timedelta(hours=10)):
        sign_in(page, site, alice.email, PASSWORD)
        expect(page.get_by_text("Last day of the week")).to_be_visible()
        page.get_by_role("link", name="Repeat this week").click()
        page.get_by_role("button", name="Stay on this week one more week").click()
        expect(page.get_by_text("You stay on this week for one more week")).to_be_visible()
    assert alice.enrollments.get().week_opens_at(3) == planned + dt.timedelta(days=7)


@pytest.mark.browser_context_args(**LAPTOP)
def test_the_instructor_pauses_a_client_for_six_weeks_in_the_admin(page, site, instructor, alice):
    enrollment = alice.enrollments.get()
    planned = enrollment.week_opens_at(3)
    sign_in(page, site, instructor.email, PASSWORD)
    page.goto(site + reverse("admin:programs_enrollment_change", args=[enrollment.pk]))
    page.get_by_text(re.compile("Add another pause", re.I)).click()
    row = page.locator("#pauses-group tr.form-row").first
    row.locator("input[name$='-starts_on']").fill(str(timezone.localdate(timezone=alice.zone)))
    row.locator("input[name$='-days']").fill("42")
    row.locator("input[name$='-reason']").fill("Hip surgery")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("was changed successfully")).to_be_visible()
    pause = enrollment.pauses.get()
    assert (pause.days, pause.created_by, pause.reason) == (42, instructor, "Hip surgery")
    assert alice.enrollments.get().week_opens_at(3) == planned + dt.timedelta(days=42)
