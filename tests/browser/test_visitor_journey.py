"""A visitor becomes a client: sales page, sign-up, emailed code, Stripe Checkout, week 1."""

import re

import pytest
from playwright.sync_api import expect

from tests.billing.conftest import stripe_server  # noqa: F401 - the fixture, shared
from tests.billing.stripe_server import deliver_over_http
from tests.factories import PASSWORD

from .conftest import BROWSER_ZONE, PHONE, axe_violations, last_code_sent_to, sign_in

NEW_EMAIL = "erin@example.com"


@pytest.fixture
def checkout_server(stripe_server, live_server):  # noqa: F811
    stripe_server.deliver = deliver_over_http(live_server.url)
    return stripe_server


def test_a_visitor_enrols_pays_and_lands_on_week_one(viewport_page, site, program, checkout_server):
    page = viewport_page
    page.goto(site)
    page.get_by_role("link", name="Enroll now").first.click()
    page.get_by_role("link", name="Create my account").click()
    page.get_by_label("First name").fill("Noor")
    page.get_by_label("Email").fill(NEW_EMAIL)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    page.get_by_label("Code").fill(last_code_sent_to(NEW_EMAIL))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("button", name="Pay $149 and enroll").click()

    expect(page).to_have_url(re.compile(re.escape(f"{checkout_server.url}/pay/cs_test_")))
    page.get_by_role("button", name="Pay").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("You’re in")
    assert axe_violations(page) == []
    page.get_by_role("link", name="My program").first.click()
    expect(page.get_by_role("link", name="Week 1:")).to_be_visible()
    week_two = page.locator(".week-card").nth(1)
    expect(week_two).to_contain_text("Opens")
    expect(week_two.locator("time")).to_have_attribute("datetime", program_week_two_iso(program))
    # Sign-up took the first name and the browser's time zone: weeks open by the client's clock.
    expect(page.get_by_role("heading", name="Hello, Noor")).to_be_visible()
    assert program.enrollments.get().user.time_zone == BROWSER_ZONE


def program_week_two_iso(program):
    enrollment = program.enrollments.get(user__email=NEW_EMAIL)
    return enrollment.week_opens_at(2).isoformat()


def _tab_to(page, name: str, limit: int = 60):
    """Press Tab until the focused element's text or label is `name`; focus must show."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                const label = el.labels && el.labels[0] ? el.labels[0].innerText : "";
                return {
                    text: (el.innerText || el.value || "").trim(),
                    label: label.trim(),
                    visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
                };
            }"""
        )
        assert focused["visible"], f"focus is not visible on {focused}"
        if name in (focused["text"], focused["label"]) or focused["label"].startswith(name):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def _press_enter_and_wait(page):
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.browser_context_args(**PHONE)
def test_the_visitor_journey_works_with_the_keyboard_alone(page, site, program, checkout_server):
    page.goto(site)
    _tab_to(page, "Enroll now")
    _press_enter_and_wait(page)
    _tab_to(page, "Create my account")
    _press_enter_and_wait(page)
    _tab_to(page, "First name:")
    page.keyboard.type("Noor")
    _tab_to(page, "Email:")
    page.keyboard.type(NEW_EMAIL)
    _tab_to(page, "Password:")
    page.keyboard.type(PASSWORD)
    _tab_to(page, "Password (again):")
    page.keyboard.type(PASSWORD)
    _tab_to(page, "Sign Up")
    _press_enter_and_wait(page)
    _tab_to(page, "Code:")
    page.keyboard.type(last_code_sent_to(NEW_EMAIL))
    _press_enter_and_wait(page)
    _tab_to(page, "Pay $149 and enroll")
    _press_enter_and_wait(page)

    expect(page).to_have_url(re.compile(re.escape(f"{checkout_server.url}/pay/cs_test_")))


def test_a_client_chooses_the_payment_plan_and_lands_on_their_program(
    viewport_page, site, program, dave, checkout_server
):
    program.plan_payments, program.plan_payment_amount = 3, 5500
    program.save()
    page = viewport_page
    sign_in(page, site, dave.email, PASSWORD)
    page.goto(site)

    page.get_by_role("button", name="Pay in 3 monthly payments of $55").first.click()
    expect(page).to_have_url(re.compile(re.escape(f"{checkout_server.url}/pay/cs_test_")))
    page.get_by_role("button", name="Pay").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("You’re in")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Go to my program").click()
    expect(page.get_by_role("link", name="Week 1:")).to_be_visible()
    page.goto(f"{site}/billing/account/")
    expect(page.get_by_text("Payments of your plan: 1 of 3 made")).to_be_visible()
    assert axe_violations(page) == []
