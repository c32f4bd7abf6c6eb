"""Billing emails, sent after the transaction that decided them has committed.

A mail server that refuses or cannot be reached is tried again with a growing delay (1 s, 2 s,
4 s ... at most 15 minutes, far under Redis's visibility timeout): a dispute alert the instructor
never gets costs the dispute. Eager mode (tests, a laptop without Redis) retries at once.
"""

import smtplib

from celery import shared_task
from django.conf import settings

from lib.emails import send_email

from .models import Order

# smtplib's errors, and OSError for a refused connection, a timeout or a dropped line.
RETRY_EMAIL = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 900,
    "retry_jitter": False,
    # 1 s doubling to 512 s: about 17 minutes of trying before the error is logged.
    "max_retries": 10,
}


def _order(order_id: int) -> Order:
    return Order.objects.select_related("user", "program", "enrollment").get(pk=order_id)


@shared_task(**RETRY_EMAIL)
def send_order_email(order_id: int, name: str) -> None:
    """Tell the client their order came to nothing: a failed payment, an expired checkout."""
    order = _order(order_id)
    send_email(name, order.user.email, {"order": order, "user": order.user})


@shared_task(**RETRY_EMAIL)
def tell_instructor_of_dispute(order_id: int) -> None:
    order = _order(order_id)
    send_email("billing-dispute", settings.INSTRUCTOR_EMAIL, {"order": order, "user": order.user})
