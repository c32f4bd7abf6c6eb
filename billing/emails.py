"""Billing emails, each sent once per order through the outbox.

A dispute alert the instructor never gets costs the dispute, and a client whose payment failed
should hear of it, so a mail outage holds these for up to a week rather than dropping them.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from lib.emails import build_email
from outbox import kinds
from outbox import services as outbox

from .models import Order

USEFUL_LIFE = dt.timedelta(days=7)
PAYMENT_FAILED = "billing-payment-failed"
CHECKOUT_EXPIRED = "billing-checkout-expired"
DISPUTE = "billing-dispute"
PLAN_PAYMENT_FAILED = "billing-plan-payment-failed"
PLAN_FINISHED = "billing-plan-finished"
PLAN_GRACE_ENDING = "billing-plan-grace-ending"


def queue(order: Order, kind: str, about: str = "") -> None:
    """Once per order and kind, or per order, kind and `about` (a plan's failed invoice)."""
    outbox.queue(kind, ":".join(filter(None, [kind, str(order.pk), about])))


def _build(email):
    # The key is "<kind>:<order id>[:<about>]" (see `queue`); the kind is the template's name.
    order = Order.objects.select_related("user", "program").get(pk=email.key.split(":")[1])
    to = settings.INSTRUCTOR_EMAIL if email.kind == DISPUTE else order.user.email
    # Dates as the client reads them, on their own clock.
    with timezone.override(settings.TIME_ZONE if email.kind == DISPUTE else order.user.zone):
        return build_email(email.kind, to, {"order": order, "user": order.user})


def register_kinds() -> None:
    for name, label in [
        (PAYMENT_FAILED, "Payment failed (to the client)"),
        (CHECKOUT_EXPIRED, "Checkout expired (to the client)"),
        (DISPUTE, "Payment disputed (to the instructor)"),
        (PLAN_PAYMENT_FAILED, "A plan payment failed (to the client)"),
        (PLAN_GRACE_ENDING, "A plan's grace period ends tomorrow (to the client)"),
        (PLAN_FINISHED, "Plan paid in full (to the client)"),
    ]:
        kinds.register(name, label=label, build=_build, useful_life=USEFUL_LIFE)
