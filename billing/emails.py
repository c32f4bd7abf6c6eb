"""Billing emails, each sent once per order through the outbox.

A dispute alert the instructor never gets costs the dispute, and a client whose payment failed
should hear of it, so a mail outage holds these for up to a week rather than dropping them.
"""

import datetime as dt

from django.conf import settings

from lib.emails import build_email
from outbox import kinds
from outbox import services as outbox

from .models import Order

USEFUL_LIFE = dt.timedelta(days=7)
PAYMENT_FAILED = "billing-payment-failed"
CHECKOUT_EXPIRED = "billing-checkout-expired"
DISPUTE = "billing-dispute"


def queue(order: Order, kind: str) -> None:
    outbox.queue(kind, f"{kind}:{order.pk}")


def _build(email):
    # The key is "<kind>:<order id>" (see `queue`), and the kind is the email's template name.
    order = Order.objects.select_related("user", "program").get(pk=email.key.rsplit(":", 1)[1])
    to = settings.INSTRUCTOR_EMAIL if email.kind == DISPUTE else order.user.email
    return build_email(email.kind, to, {"order": order, "user": order.user})


def register_kinds() -> None:
    for name, label in [
        (PAYMENT_FAILED, "Payment failed (to the client)"),
        (CHECKOUT_EXPIRED, "Checkout expired (to the client)"),
        (DISPUTE, "Payment disputed (to the instructor)"),
    ]:
        kinds.register(name, label=label, build=_build, useful_life=USEFUL_LIFE)
