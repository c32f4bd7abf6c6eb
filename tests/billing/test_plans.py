"""Payment plans, whole lifecycles against the Stripe-compatible test server: access follows
the money, and events may come twice, late or in any order."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from billing.models import Order, Payment
from billing.tasks import warn_plans_grace_ending
from programs.models import Enrollment

from .stripe_server import post_event

START = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture
def plan_program(program):
    program.plan_payments = 3
    program.plan_payment_amount = 5500
    program.save()
    return program


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def deliver(stripe_server, client, django_capture_on_commit_callbacks):
    """Post Stripe's pending events to the webhook; the emails they queue go out."""

    def post_all():
        with django_capture_on_commit_callbacks(execute=True):
            return stripe_server.deliver_outbox(client)

    return post_all


@pytest.fixture
def subscription(clock, stripe_server, dave_client, plan_program, deliver):
    """Dave chose the plan on the sales page and paid the first month."""
    response = dave_client.post("/billing/enrol/", {"plan": "1"})
    assert response.status_code == 303
    session_id = response["Location"].rsplit("/", 1)[-1]
    stripe_server.pay(session_id)
    deliver()
    return stripe_server.sessions[session_id]["subscription"]


def order() -> Order:
    return Order.objects.select_related("enrollment").get()


def month(clock, stripe_server, subscription, deliver, n, *, succeed=True):
    clock.move_to(START + 30 * n * DAY)
    invoice = stripe_server.bill_next(subscription, succeed=succeed)
    deliver()
    return invoice


def subjects_to(address):
    return [message.subject for message in mail.outbox if message.to == [address]]


def test_choosing_the_plan_starts_a_subscription_that_ends_itself_after_the_last_payment(
    subscription, stripe_server, dave
):
    plan = order()
    assert (plan.status, plan.plan_status, plan.plan_payments) == ("paid", "active", 3)
    assert plan.amount_total == 5500
    assert plan.enrollment.has_access and plan.enrollment.user == dave
    (schedule,) = stripe_server.schedules.values()
    assert schedule["subscription"] == subscription
    assert schedule["end_behavior"] == "cancel"
    assert schedule["phases"][0]["duration"] == {"interval": "month", "interval_count": "3"}
    session = next(iter(stripe_server.session_params.values()))
    assert session["mode"] == "subscription"
    assert session["line_items"][0]["price_data"]["recurring"] == {"interval": "month"}
    assert session["consent_collection"] == {"terms_of_service": "required"}


def test_three_payments_on_time_and_the_program_is_theirs_for_good(
    subscription, stripe_server, deliver, clock, dave
):
    month(clock, stripe_server, subscription, deliver, 1)
    assert order().plan_status == "active"
    month(clock, stripe_server, subscription, deliver, 2)

    plan = order()
    assert plan.plan_status == "paid_in_full"
    assert plan.amount_total == 3 * 5500
    assert Payment.objects.filter(status="paid").count() == 3
    assert subjects_to(dave.email).count(f"{plan.program.title} is yours for good") == 1
    # Nothing more is charged: the subscription ends with the last payment; access stays.
    assert stripe_server.subscriptions[subscription]["status"] == "canceled"
    deliver()
    assert order().plan_status == "paid_in_full"
    assert order().enrollment.has_access
    assert Payment.objects.count() == 3


def test_a_failed_payment_gives_a_grace_period_then_new_weeks_wait_until_the_card_works(
    subscription, stripe_server, deliver, clock, dave, dave_client
):
    month(clock, stripe_server, subscription, deliver, 1, succeed=False)

    plan = order()
    assert plan.plan_status == "past_due"
    assert plan.grace_until == START + 30 * DAY + 7 * DAY
    assert f"A payment for {plan.program.title} did not go through" in subjects_to(dave.email)
    enrollment = plan.enrollment
    assert enrollment.has_access
    assert not enrollment.weeks_held()  # within the grace period, weeks open as usual

    clock.move_to(START + 45 * DAY)  # past the grace period; week 7 was due on day 42
    dave_client.force_login(dave)
    enrollment.refresh_from_db()
    assert enrollment.scheduled_week() == 7
    assert enrollment.open_week_limit() == 6  # week 6 opened during the grace period
    dashboard = dave_client.get("/program/")
    assert "Your next week is waiting for a payment" in dashboard.text
    assert dave_client.get("/program/week/7/").status_code == 403
    assert dave_client.get("/program/week/6/").status_code == 200

    stripe_server.update_card(subscription)
    deliver()

    plan = order()
    assert (plan.plan_status, plan.grace_until) == ("active", None)
    assert plan.enrollment.open_week_limit() == 7  # caught up at once
    assert "waiting for a payment" not in dave_client.get("/program/").text
    # The failed email went once, however many events spoke of the failure.
    assert (
        subjects_to(dave.email).count(f"A payment for {plan.program.title} did not go through") == 1
    )


def test_cancelling_the_plan_after_the_first_payment_ends_access(
    subscription, stripe_server, deliver, clock
):
    clock.move_to(START + 10 * DAY)
    stripe_server.cancel(subscription)
    deliver()

    plan = order()
    assert plan.plan_status == "canceled"
    assert plan.enrollment.status == Enrollment.Status.REVOKED


def test_a_late_invoice_paid_after_the_subscription_ended_changes_nothing(
    subscription, stripe_server, client, deliver
):
    first_paid = next(e for e in stripe_server.events if e["type"] == "invoice.paid")
    stripe_server.cancel(subscription)
    deliver()

    late = {**first_paid, "id": "evt_test_late_redelivery"}
    assert post_event(client, late).status_code == 200

    plan = order()
    assert plan.plan_status == "canceled"
    assert plan.enrollment.status == Enrollment.Status.REVOKED


def test_duplicated_and_reordered_events_give_one_enrollment_and_one_row_per_payment(
    clock, stripe_server, dave_client, plan_program, client
):
    response = dave_client.post("/billing/enrol/", {"plan": "1"})
    session_id = response["Location"].rsplit("/", 1)[-1]
    stripe_server.pay(session_id)
    subscription = stripe_server.sessions[session_id]["subscription"]
    clock.move_to(START + 30 * DAY)
    stripe_server.bill_next(subscription)
    events = list(stripe_server.outbox)
    stripe_server.outbox.clear()

    for event in [*reversed(events), *events, events[-1]]:
        assert post_event(client, event).status_code == 200

    plan = order()
    assert (plan.status, plan.plan_status) == ("paid", "active")
    assert Enrollment.objects.count() == 1
    assert Payment.objects.count() == 2
    assert plan.amount_total == 2 * 5500


def test_refunding_every_payment_so_far_ends_access_and_the_plan_charges_no_more(
    subscription, stripe_server, deliver, clock
):
    (invoice_id,) = [i["id"] for i in stripe_server.paid_invoices(subscription)]
    stripe_server.refund_invoice(invoice_id)
    deliver()

    plan = order()
    assert Payment.objects.get().amount_refunded == 5500
    assert plan.amount_refunded == 5500
    # The policy of a refund in full: access ends, and so does the subscription.
    assert plan.enrollment.status == Enrollment.Status.REVOKED
    assert plan.plan_status == "canceled"
    assert stripe_server.subscriptions[subscription]["status"] == "canceled"


def test_a_schedule_left_half_set_up_never_charges_more_than_the_plan(
    clock, stripe_server, dave_client, plan_program, deliver
):
    stripe_server.broken_paths.add("/v1/subscription_schedules/")  # setting its phase fails
    response = dave_client.post("/billing/enrol/", {"plan": "1"})
    session_id = response["Location"].rsplit("/", 1)[-1]
    stripe_server.pay(session_id)
    deliver()
    subscription = stripe_server.sessions[session_id]["subscription"]
    assert order().enrollment.has_access  # the client paid: access does not wait for it

    month(clock, stripe_server, subscription, deliver, 1)
    month(clock, stripe_server, subscription, deliver, 2)

    assert order().plan_status == "paid_in_full"
    assert stripe_server.subscriptions[subscription]["status"] == "canceled"
    assert len(stripe_server.paid_invoices(subscription)) == 3


def test_paying_the_rest_after_a_cancellation_makes_the_plan_paid_in_full_again(
    subscription, stripe_server, deliver, clock
):
    month(clock, stripe_server, subscription, deliver, 1)
    month(clock, stripe_server, subscription, deliver, 2, succeed=False)
    stripe_server.cancel(subscription)  # Stripe gave up after its retries
    deliver()
    assert order().enrollment.status == Enrollment.Status.REVOKED

    stripe_server.update_card(subscription)  # the client pays the open invoice after all
    deliver()

    plan = order()
    assert plan.plan_status == "paid_in_full"
    assert plan.enrollment.has_access
    assert Enrollment.objects.count() == 1  # the same enrollment, its progress kept


def test_choosing_the_other_option_closes_the_first_checkout(
    stripe_server, dave_client, plan_program
):
    plan_page = dave_client.post("/billing/enrol/", {"plan": "1"})["Location"]
    in_full = dave_client.post("/billing/enrol/")["Location"]

    first = plan_page.rsplit("/", 1)[-1]
    assert in_full != plan_page
    assert stripe_server.sessions[first]["status"] == "expired"
    assert Order.objects.get(stripe_session_id=first).status == Order.Status.ABANDONED


def test_the_refund_action_on_a_plan_says_to_refund_its_payments_one_by_one(
    subscription, instructor, client
):
    client.force_login(instructor)

    response = client.post(
        "/admin/billing/order/",
        {"action": "refund", "_selected_action": [order().pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "refund its payments one by one in the Stripe dashboard" in response.text


def test_one_refunded_instalment_of_two_keeps_access(
    subscription, stripe_server, deliver, clock, dave, dave_client
):
    month(clock, stripe_server, subscription, deliver, 1)
    dave_client.force_login(dave)
    first = stripe_server.paid_invoices(subscription)[0]["id"]
    stripe_server.refund_invoice(first)
    deliver()

    plan = order()
    assert Payment.objects.get(stripe_invoice_id=first).amount_refunded == 5500
    assert plan.enrollment.has_access
    assert "(refunded)" in dave_client.get("/billing/account/").text


def test_a_dispute_on_a_plan_payment_pauses_access_and_tells_the_instructor(
    subscription, stripe_server, deliver, settings
):
    (invoice,) = stripe_server.paid_invoices(subscription)
    stripe_server.dispute_invoice(invoice["id"])
    deliver()

    plan = order()
    assert plan.disputed_at is not None
    assert plan.enrollment.status == Enrollment.Status.SUSPENDED
    assert any(m.to == [settings.INSTRUCTOR_EMAIL] for m in mail.outbox)


def test_reconciliation_brings_a_plan_whose_webhooks_were_lost_up_to_date(
    subscription, stripe_server, clock, client
):
    clock.move_to(START + 30 * DAY)
    stripe_server.bill_next(subscription, succeed=False)
    stripe_server.outbox.clear()  # the webhook endpoint was down

    call_command("reconcile_checkouts")

    assert order().plan_status == "past_due"
    assert Payment.objects.filter(status="open").count() == 1


def test_the_payments_page_lists_the_plan_and_opens_stripes_billing_portal(
    subscription, stripe_server, dave, dave_client, deliver, clock
):
    month(clock, stripe_server, subscription, deliver, 1)
    dave_client.force_login(dave)  # a month on: signed in again

    page = dave_client.get("/billing/account/")
    portal = dave_client.post("/billing/account/")

    assert "Payments of your plan: 2 of 3 made" in page.text
    assert page.text.count("<td>$55</td>") == 2
    assert portal.status_code == 303
    assert portal["Location"].startswith(f"{stripe_server.url}/portal/")


def test_the_sales_page_offers_the_plan_beside_paying_in_full(
    stripe_server, client, plan_program, dave
):
    client.force_login(dave)

    page = client.get("/")

    assert f"Pay {plan_program.price_display} in full" in page.text
    assert "Pay in 3 monthly payments of $55" in page.text


def test_a_promotion_code_and_the_accepted_terms_are_kept_with_the_order(
    stripe_server, checkout, deliver, dave_client
):
    stripe_server.add_promotion_code("SPRING20", percent_off=20)
    stripe_server.pay(checkout["id"], promotion_code="SPRING20")
    deliver()

    paid = Order.objects.get()
    assert paid.promotion_code == "SPRING20"
    assert paid.amount_discount == paid.program.price_amount // 5
    assert paid.amount_total == paid.program.price_amount - paid.amount_discount
    assert paid.terms_accepted_at is not None
    assert paid.stripe_customer_id.startswith("cus_")
    params = stripe_server.session_params[checkout["id"]]
    assert params["invoice_creation"] == {"enabled": "true"}
    assert params["customer_creation"] == "always"
    assert "with SPRING20" in dave_client.get("/billing/account/").text


def test_the_instructor_sees_the_plans_state_and_its_payments_in_the_admin(
    subscription, stripe_server, deliver, clock, instructor, client
):
    month(clock, stripe_server, subscription, deliver, 1, succeed=False)
    client.force_login(instructor)

    listing = client.get("/admin/billing/order/?plan_status=past_due")
    page = client.get(f"/admin/billing/order/{order().pk}/change/")

    assert listing.status_code == page.status_code == 200
    assert "A payment failed (grace period, then new weeks wait)" in listing.text
    assert "Plan payments" in page.text
    assert page.text.count("$55") >= 2
    assert "open" in page.text and "paid" in page.text


def test_the_client_is_told_once_the_day_before_new_weeks_start_to_wait(
    subscription, stripe_server, deliver, clock, dave, django_capture_on_commit_callbacks
):
    month(clock, stripe_server, subscription, deliver, 1, succeed=False)
    title = order().program.title
    subject = f"Your next week of {title} is waiting for a payment"

    for hours in (0, 24 * 6 + 1, 24 * 6 + 2, 24 * 6 + 3):  # hourly, from the failure on
        clock.move_to(START + 30 * DAY + dt.timedelta(hours=hours))
        with django_capture_on_commit_callbacks(execute=True):
            warn_plans_grace_ending()

    assert subjects_to(dave.email).count(subject) == 1


def test_stripe_tax_is_asked_for_only_when_the_setting_is_on(
    stripe_server, dave_client, plan_program, settings
):
    dave_client.post("/billing/enrol/")
    settings.STRIPE_AUTOMATIC_TAX = True
    dave_client.post("/billing/enrol/", {"plan": "1"})

    without_tax, with_tax = stripe_server.session_params.values()
    assert "automatic_tax" not in without_tax
    assert with_tax["automatic_tax"] == {"enabled": "true"}
    assert with_tax["billing_address_collection"] == "required"
