"""Billing emails, sent after the transaction that decided them has committed."""

from celery import shared_task
from django.conf import settings

from lib.emails import send_email

from .models import Order


def _order(order_id: int) -> Order:
    return Order.objects.select_related("user", "program", "enrollment").get(pk=order_id)


@shared_task
def send_order_email(order_id: int, name: str) -> None:
    """Tell the client their order came to nothing: a failed payment, an expired checkout."""
    order = _order(order_id)
    send_email(name, order.user.email, {"order": order, "user": order.user})


@shared_task
def tell_instructor_of_dispute(order_id: int) -> None:
    order = _order(order_id)
    send_email("billing-dispute", settings.INSTRUCTOR_EMAIL, {"order": order, "user": order.user})
