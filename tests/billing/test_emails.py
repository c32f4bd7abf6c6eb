"""Billing emails go through the outbox: once per order, and through a mail server that refuses
them for a while (SMTP on 127.0.0.1)."""

import time

import pytest
from django.conf import settings

from billing import emails
from billing.models import Order
from outbox import services as outbox
from outbox.models import Email


@pytest.fixture
def order(dave, program):
    return Order.objects.create(user=dave, program=program, amount_total=14900, currency="usd")


def test_a_refused_client_email_is_retried_by_the_outbox_sweep_and_delivered(
    order, smtp_server, settings, django_capture_on_commit_callbacks
):
    smtp_server.use_for_django(settings)
    smtp_server.refuse = 1

    with django_capture_on_commit_callbacks(execute=True):
        emails.queue(order, emails.CHECKOUT_EXPIRED)
    email = Email.objects.get()
    assert (email.state, email.attempts) == ("pending", 1)
    assert not smtp_server.messages

    with django_capture_on_commit_callbacks(execute=True):
        outbox.sweep(email.due_at)

    assert smtp_server.arrived == 2
    [message] = smtp_server.wait_for(1, timeout=1)
    assert message["To"] == "dave@example.com"
    assert message["Subject"] == "Your place in Heal Your Hips is still waiting"


def test_the_same_order_email_asked_for_twice_is_sent_once(
    order, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        emails.queue(order, emails.PAYMENT_FAILED)
        emails.queue(order, emails.PAYMENT_FAILED)

    assert [m.subject for m in mailoutbox] == ["Your payment for Heal Your Hips did not go through"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_retries_a_refused_dispute_alert_after_a_pause_and_the_instructor_gets_it(
    order, smtp_server, start_celery_worker
):
    smtp_server.refuse = 1
    start_celery_worker(EMAIL_URL=smtp_server.url)

    emails.queue(order, emails.DISPUTE)
    smtp_server.wait_for_arrival(1)
    deadline = time.monotonic() + 20
    while not Email.objects.filter(state="pending", attempts=1).exists():
        assert time.monotonic() < deadline, "the first attempt was not recorded"
        time.sleep(0.05)
    outbox.sweep(Email.objects.get().due_at)

    [message] = smtp_server.wait_for(1, timeout=20)
    assert smtp_server.arrived == 2
    assert message["To"] == settings.INSTRUCTOR_EMAIL
    assert message["Subject"] == "Payment disputed: dave@example.com ($149)"
