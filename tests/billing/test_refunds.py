import pytest
from django.core import mail

from billing.models import Order
from programs.models import Enrollment
from programs.services import restore_access


@pytest.fixture
def paid(stripe_server, checkout, client):
    """Dave paid by card and the webhook enrolled him."""
    stripe_server.pay(checkout["id"])
    stripe_server.deliver_outbox(client)
    return checkout


def dave_enrollment():
    return Enrollment.objects.get(user__email="dave@example.com")


def test_a_full_refund_revokes_access(stripe_server, paid, client, dave_client):
    stripe_server.refund(paid["id"])

    responses = stripe_server.deliver_outbox(client)

    order = Order.objects.get()
    assert [r.status_code for r in responses] == [200, 200]  # refund.created is ignored
    assert order.status == Order.Status.REFUNDED
    assert order.amount_refunded == 14900
    assert dave_enrollment().status == Enrollment.Status.REVOKED
    assert dave_client.get("/program/")["Location"] == "/"


def test_a_partial_refund_keeps_access(stripe_server, paid, client, dave_client):
    stripe_server.refund(paid["id"], amount=5000)

    stripe_server.deliver_outbox(client)

    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    assert order.amount_refunded == 5000
    assert dave_enrollment().has_access
    assert dave_client.get("/program/").status_code == 200


def test_partial_refunds_adding_up_to_the_whole_amount_revoke_access(stripe_server, paid, client):
    stripe_server.refund(paid["id"], amount=5000)
    stripe_server.refund(paid["id"], amount=9900)

    stripe_server.deliver_outbox(client)

    assert Order.objects.get().status == Order.Status.REFUNDED
    assert dave_enrollment().status == Enrollment.Status.REVOKED


def test_a_refund_reported_before_the_payment_never_gives_access(stripe_server, checkout, client):
    stripe_server.pay(checkout["id"])
    [completed] = stripe_server.outbox
    stripe_server.outbox.clear()
    stripe_server.refund(checkout["id"])

    stripe_server.deliver_outbox(client)  # refund.created, charge.refunded
    stripe_server.outbox.append(completed)
    stripe_server.deliver_outbox(client)

    order = Order.objects.get()
    assert order.status == Order.Status.REFUNDED
    assert not Enrollment.objects.with_access().exists()


def test_a_dispute_suspends_access_and_emails_the_instructor(
    stripe_server, paid, client, dave_client, settings, django_capture_on_commit_callbacks
):
    stripe_server.dispute(paid["id"])

    with django_capture_on_commit_callbacks(execute=True):
        [response] = stripe_server.deliver_outbox(client)

    assert response.status_code == 200
    assert dave_enrollment().status == Enrollment.Status.SUSPENDED
    assert Order.objects.get().disputed_at is not None
    [email] = [m for m in mail.outbox if m.to == [settings.INSTRUCTOR_EMAIL]]
    assert email.subject == "Payment disputed: dave@example.com ($149)"
    assert "https://dashboard.stripe.com/test/payments/pi_test_" in email.body
    followed = dave_client.get("/program/", follow=True)
    assert "Your access is paused" in followed.text


def test_a_dispute_reported_before_the_payment_still_ends_suspended(
    stripe_server, checkout, client
):
    stripe_server.pay(checkout["id"])
    [completed] = stripe_server.outbox
    stripe_server.outbox.clear()
    stripe_server.dispute(checkout["id"])

    stripe_server.deliver_outbox(client)
    stripe_server.outbox.append(completed)
    stripe_server.deliver_outbox(client)

    assert Order.objects.get().status == Order.Status.PAID
    assert dave_enrollment().status == Enrollment.Status.SUSPENDED


def test_access_the_instructor_restored_after_a_dispute_is_not_suspended_again(
    stripe_server, paid, client
):
    stripe_server.dispute(paid["id"])
    [dispute] = stripe_server.outbox
    stripe_server.deliver_outbox(client)
    restore_access(dave_enrollment())

    stripe_server.outbox.append({**dispute, "id": "evt_test_resent_by_stripe_cli"})
    stripe_server.deliver_outbox(client)

    assert dave_enrollment().has_access
