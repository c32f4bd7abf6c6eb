"""Billing emails survive a mail server that refuses them for a while: SMTP on 127.0.0.1."""

import smtplib

import pytest
from celery.exceptions import Retry
from django.conf import settings

from billing import tasks
from billing.models import Order


@pytest.fixture
def order(dave, program):
    return Order.objects.create(user=dave, program=program, amount_total=14900, currency="usd")


def test_a_refused_client_email_is_retried_and_the_retry_delivers_it(order, smtp_server, settings):
    smtp_server.use_for_django(settings)
    smtp_server.refuse = 1

    # Eager mode hands the retry back rather than wait out its countdown; a worker waits.
    with pytest.raises(Retry) as retry:
        tasks.send_order_email.delay(order.pk, "billing-checkout-expired")
    assert retry.value.when == 1
    assert not smtp_server.messages
    retry.value.sig.apply()

    assert smtp_server.arrived == 2
    [message] = smtp_server.wait_for(1, timeout=1)
    assert message["To"] == "dave@example.com"
    assert message["Subject"] == "Your place in Heal Your Hips is still waiting"


def test_retries_of_a_refused_email_back_off_for_a_quarter_hour_then_stop(
    order, smtp_server, settings
):
    smtp_server.use_for_django(settings)
    smtp_server.refuse = 100
    name = "billing-payment-failed"

    waits = []
    for retries in range(10):
        with pytest.raises(Retry) as retry:
            tasks.send_order_email.apply((order.pk, name), retries=retries)
        waits.append(retry.value.when)
    with pytest.raises(smtplib.SMTPDataError):
        tasks.send_order_email.apply((order.pk, name), retries=10)

    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    assert sum(waits) > 15 * 60
    assert smtp_server.arrived == 11
    assert not smtp_server.messages


@pytest.mark.django_db(transaction=True)
def test_a_worker_retries_a_refused_dispute_alert_after_a_pause_and_the_instructor_gets_it(
    order, smtp_server, start_celery_worker
):
    smtp_server.refuse = 1
    start_celery_worker(EMAIL_URL=smtp_server.url)

    tasks.tell_instructor_of_dispute.delay(order.pk)

    [message] = smtp_server.wait_for(1, timeout=20)
    assert smtp_server.arrived == 2
    assert message["To"] == settings.INSTRUCTOR_EMAIL
    assert message["Subject"] == "Payment disputed: dave@example.com (149.00 USD)"
