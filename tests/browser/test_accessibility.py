"""axe-core (WCAG 2.0/2.1/2.2 A and AA, target size included) finds nothing on our pages."""

import datetime as dt
import json

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from billing.models import Order, Payment
from programs.models import Completion
from tests.factories import PASSWORD, ExerciseFactory

from .conftest import axe_violations, sign_in

SIGNED_OUT_PAGES = {
    "sales page": "/",
    "sign-up": "/accounts/signup/",
    "sign-in": "/accounts/login/",
    "sign-in code request": "/accounts/login/code/",
    "page not found": "/no-such-page/",
    "terms and health disclaimer": "/billing/terms/",
}


def _signed_in_pages(program):
    open_lesson = program.lessons.filter(week__number=1).order_by("position").first()
    locked_lesson = program.lessons.filter(week__number=3).first()
    return {
        "sales page": "/",
        "dashboard": "/program/",
        "week (finished, with its celebration)": "/program/week/1/",
        "open class": open_lesson.get_absolute_url(),
        "locked class": locked_lesson.get_absolute_url(),
        "settings": "/account/settings/",
        "email preferences": "/account/emails/",
    }


def _check(page, site, pages):
    found = {}
    for name, path in pages.items():
        page.goto(site + path)
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    assert found == {}, json.dumps(found, indent=1)


def test_signed_out_pages_have_no_accessibility_violations(viewport_page, site, program):
    _check(viewport_page, site, SIGNED_OUT_PAGES)


def test_signed_in_pages_have_no_accessibility_violations(viewport_page, site, alice, program):
    for lesson in program.lessons.filter(week__number=1):
        Completion.objects.create(user=alice, lesson=lesson)
    sign_in(viewport_page, site, alice.email, PASSWORD)
    _check(viewport_page, site, _signed_in_pages(program))


def test_a_plan_behind_on_its_payments_and_the_payments_page_have_no_violations(
    viewport_page, site, alice, program
):
    enrollment = alice.enrollments.get()
    enrollment.new_weeks_held_from = timezone.now() - dt.timedelta(days=8)
    enrollment.save()
    plan = Order.objects.create(
        user=alice, program=program, enrollment=enrollment, status="paid", amount_total=5500,
        currency="usd", plan_payments=3, plan_status="past_due", stripe_customer_id="cus_1",
        grace_until=timezone.now() - dt.timedelta(days=1),
    )  # fmt: skip
    for n, status in enumerate(["paid", "open"]):
        Payment.objects.create(
            order=plan, stripe_invoice_id=f"in_{n}", status=status, amount_paid=5500,
            currency="usd", created_at=timezone.now(), invoice_url="https://invoice.example/",
        )  # fmt: skip
    sign_in(viewport_page, site, alice.email, PASSWORD)
    _check(
        viewport_page, site, {"dashboard, weeks held": "/program/", "payments": "/billing/account/"}
    )
    viewport_page.goto(f"{site}/program/")
    assert "Your next week is waiting for a payment" in viewport_page.content()


def test_the_class_page_with_its_drawers_open_and_an_error_has_no_violations(
    viewport_page, site, alice, program
):
    lesson = program.lessons.filter(week__number=2).first()
    sign_in(viewport_page, site, alice.email, PASSWORD)
    viewport_page.goto(site + lesson.get_absolute_url())
    viewport_page.locator("details.week-outline summary").click()
    viewport_page.get_by_text("about this class").click()
    viewport_page.get_by_role("button", name="Send question").click()
    viewport_page.wait_for_load_state()
    assert axe_violations(viewport_page) == []


def test_the_pdf_no_access_and_unsubscribe_pages_have_no_violations(
    viewport_page, site, dave, program
):
    lesson = program.lessons.filter(week__number=1).first()
    ExerciseFactory(lesson=lesson)
    sign_in(viewport_page, site, dave.email, PASSWORD)
    _check(
        viewport_page,
        site,
        {
            "PDF without access": reverse("programs:lesson_pdf", args=[lesson.slug]),
            "unsubscribe": dave.unsubscribe_url.removeprefix(settings.SITE_URL),
        },
    )


def test_the_code_entry_page_has_no_accessibility_violations(viewport_page, site, alice):
    viewport_page.goto(site + "/accounts/login/code/")
    viewport_page.get_by_label("Email").fill(alice.email)
    viewport_page.get_by_role("button", name="Request Code").click()
    viewport_page.wait_for_url("**/confirm/")
    assert axe_violations(viewport_page) == []


def test_the_admin_pages_the_instructor_uses_have_no_accessibility_violations(
    viewport_page, site, instructor, alice, program
):
    sign_in(viewport_page, site, instructor.email, PASSWORD)
    week = program.weeks.get(number=1)
    _check(
        viewport_page,
        site,
        {
            "admin home": reverse("admin:index"),
            "clients": reverse("admin:programs_enrollment_changelist"),
            "week": reverse("admin:lessons_week_change", args=[week.pk]),
            "class": reverse("admin:lessons_lesson_change", args=[week.lessons.first().pk]),
            "program": reverse("admin:lessons_program_change", args=[program.pk]),
        },
    )
