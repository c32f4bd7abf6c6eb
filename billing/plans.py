"""Payment plans: a monthly subscription that ends by itself after its last payment.

A plan's state is worked out again from Stripe's current view of its subscription and invoices
whenever anything about it happens (a webhook, the success page, reconciliation), with the
order's row locked. So events may arrive late, twice or in any order: a late `invoice.paid`
after the subscription was cancelled finds it cancelled, and changes nothing.

| Stripe says                                 | plan status  | access                          |
|---------------------------------------------|--------------|---------------------------------|
| as many invoices paid as the plan has       | paid in full | the program is theirs for good  |
| subscription cancelled before that          | cancelled    | ends (revoked); paying the rest |
|                                             |              | later makes it paid in full     |
| subscription past due or unpaid             | past due     | full for PLAN_GRACE_DAYS, then  |
|                                             |              | new weeks wait (open ones stay) |
| otherwise (active)                          | active       | full; a hold is lifted at once  |

"Paid in full" is final, and the subscription is cancelled then (so a schedule that failed to be
set up still never charges more than the plan). Refunds and
disputes of one payment follow the policy of a payment in full (`billing.services`): a dispute
suspends access; access ends, and the subscription with it, when every payment has been
refunded in full.
"""

import datetime as dt
import logging

import stripe
from django.conf import settings
from django.utils import timezone

from programs.models import Enrollment
from programs.services import end_access, restore_access

from . import emails, stripe_api
from .models import Order, Payment

log = logging.getLogger(__name__)


def sync(order: Order) -> Order:
    """Bring the plan of `order` (row locked by the caller) in line with Stripe."""
    client = stripe_api.client()
    subscription = client.v1.subscriptions.retrieve(order.stripe_subscription_id)
    invoices = client.v1.invoices.list(
        params={"subscription": subscription.id, "limit": 100, "expand": ["data.payments"]}
    )
    payments = [_record(order, invoice) for invoice in invoices.auto_paging_iter()]
    paid = [payment for payment in payments if payment.is_paid]
    order.amount_total = sum(payment.amount_paid for payment in paid)
    kept = [payment for payment in paid if payment.amount_refunded < payment.amount_paid]
    if order.plan_status != Order.PlanStatus.PAID_IN_FULL:
        _follow(order, subscription, kept, payments)
    if subscription.status not in ("canceled", "incomplete_expired"):
        if order.plan_status == Order.PlanStatus.PAID_IN_FULL:
            # The last payment is made: nothing more may be charged, whatever the schedule.
            _cancel(client, subscription.id)
        else:
            try:
                _end_after_last_payment(client, order, subscription)
            except stripe.StripeError:
                # Access is settled all the same; the next event or reconciliation tries
                # again, and after the last payment the subscription is cancelled above.
                log.exception("Could not set up the end of plan %s", subscription.id)
    order.save()
    return order


def _cancel(client, subscription_id: str) -> None:
    client.v1.subscriptions.cancel(
        subscription_id, options={"idempotency_key": f"plan-cancel-{subscription_id}"}
    )


def _follow(order: Order, subscription, paid: list[Payment], payments: list[Payment]) -> None:
    enrollment = order.enrollment
    if len(paid) >= order.plan_payments:
        order.plan_status = Order.PlanStatus.PAID_IN_FULL
        order.grace_until = None
        _hold_new_weeks(enrollment, None)
        if enrollment is not None and enrollment.status == Enrollment.Status.REVOKED:
            order.enrollment = restore_access(enrollment)  # the rest paid after a cancellation
        emails.queue(order, emails.PLAN_FINISHED)
    elif subscription.status in ("canceled", "incomplete_expired"):
        order.plan_status = Order.PlanStatus.CANCELED
        if enrollment is not None and enrollment.status != Enrollment.Status.REVOKED:
            end_access(enrollment, Enrollment.Status.REVOKED)
    elif subscription.status in ("past_due", "unpaid"):
        order.plan_status = Order.PlanStatus.PAST_DUE
        if order.grace_until is None:
            order.grace_until = timezone.now() + dt.timedelta(days=settings.PLAN_GRACE_DAYS)
        _hold_new_weeks(enrollment, order.grace_until)
        failing = [payment for payment in payments if payment.status == "open"]
        if failing:
            emails.queue(order, emails.PLAN_PAYMENT_FAILED, failing[-1].stripe_invoice_id)
    else:
        order.plan_status = Order.PlanStatus.ACTIVE
        order.grace_until = None
        _hold_new_weeks(enrollment, None)


def warn_grace_ending(within: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Queue the "new weeks will wait" email for plans whose grace period ends within `within`:
    once per grace period (the outbox key names it), so hourly runs and two beats are harmless."""
    now = timezone.now()
    ending = Order.objects.filter(
        plan_status=Order.PlanStatus.PAST_DUE, grace_until__gt=now, grace_until__lte=now + within
    )
    for order in ending:
        emails.queue(order, emails.PLAN_GRACE_ENDING, order.grace_until.strftime("%Y%m%dT%H%M"))
    return len(ending)


def _hold_new_weeks(enrollment: Enrollment | None, from_moment: dt.datetime | None) -> None:
    if enrollment is not None and enrollment.new_weeks_held_from != from_moment:
        Enrollment.objects.filter(pk=enrollment.pk).update(new_weeks_held_from=from_moment)
        enrollment.new_weeks_held_from = from_moment


def _end_after_last_payment(client, order: Order, subscription) -> None:
    """Give the subscription a schedule of exactly `plan_payments` months that then cancels
    it, and check it is so: a schedule made by an earlier attempt that stopped half-way is
    finished here. Stripe keeps one schedule per subscription; the keys make a retry harmless."""
    if subscription.schedule:
        schedule = client.v1.subscription_schedules.retrieve(
            stripe_api.id_of(subscription.schedule)
        )
    else:
        schedule = client.v1.subscription_schedules.create(
            params={"from_subscription": subscription.id},
            options={"idempotency_key": f"plan-schedule-{subscription.id}"},
        )
    phase = schedule.phases[0]
    if schedule.end_behavior == "cancel" and getattr(phase, "duration", None):
        return  # set up already (an earlier attempt may have stopped before its phase was set)
    price = subscription["items"].data[0].price.id
    # The phase keeps its discounts (a code for several months) and its tax settings.
    kept = {
        key: getattr(phase, key).to_dict() if key == "automatic_tax" else getattr(phase, key)
        for key in ("discounts", "automatic_tax")
        if getattr(phase, key, None)
    }
    client.v1.subscription_schedules.update(
        schedule.id,
        params={
            "end_behavior": "cancel",
            "phases": [
                {
                    "items": [{"price": price, "quantity": 1}],
                    "start_date": phase.start_date,
                    "duration": {"interval": "month", "interval_count": order.plan_payments},
                    **kept,
                }
            ],
        },
        options={"idempotency_key": f"plan-schedule-phases-{subscription.id}"},
    )


def _record(order: Order, invoice) -> Payment:
    paid_at = invoice.status_transitions.paid_at
    payment, _ = Payment.objects.update_or_create(
        stripe_invoice_id=invoice.id,
        defaults={
            "order": order,
            "status": invoice.status,
            "amount_due": invoice.amount_due,
            "amount_paid": invoice.amount_paid,
            "currency": invoice.currency,
            "attempt_count": invoice.attempt_count,
            "invoice_url": invoice.hosted_invoice_url or "",
            "stripe_payment_intent_id": _payment_intent_of(invoice),
            "created_at": dt.datetime.fromtimestamp(invoice.created, tz=dt.UTC),
            "paid_at": dt.datetime.fromtimestamp(paid_at, tz=dt.UTC) if paid_at else None,
        },
    )
    return payment


def _payment_intent_of(invoice) -> str:
    """The PaymentIntent that paid the invoice (its charge is what refunds and disputes name):
    of several attempts, the one that was paid."""
    payments = getattr(invoice, "payments", None)
    attempts = [
        entry
        for entry in (payments.data if payments else [])
        if entry.payment.type == "payment_intent"
    ]
    attempts.sort(key=lambda entry: entry.status != "paid")
    return attempts[0].payment.payment_intent if attempts else ""


def follow_refunds(payment: Payment, charge) -> None:
    """Refunds of one plan payment (the order's row locked by the caller). A dispute follows
    the policy of any payment (`billing.services`)."""
    order = payment.order
    payment.amount_refunded = min(charge.amount_refunded, payment.amount_paid)
    payment.save(update_fields=["amount_refunded"])
    paid = order.payments.filter(status="paid")
    order.amount_refunded = sum(p.amount_refunded for p in paid)
    order.save(update_fields=["amount_refunded"])
    enrollment = order.enrollment
    if enrollment is None:
        return
    all_refunded = all(p.amount_refunded >= p.amount_paid for p in paid)
    if all_refunded and enrollment.status != Enrollment.Status.REVOKED:
        end_access(enrollment, Enrollment.Status.REVOKED)
        order.plan_status = Order.PlanStatus.CANCELED
        order.save(update_fields=["plan_status"])
        # Nothing more is charged for access that has ended.
        _cancel(stripe_api.client(), order.stripe_subscription_id)
