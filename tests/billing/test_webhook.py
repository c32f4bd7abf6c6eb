import json
import time

import pytest

from billing import services
from billing.models import Order, StripeEvent
from programs.models import Enrollment

from .stripe_server import WEBHOOK_PATH, post_event, signature_header


@pytest.fixture
def completed(stripe_server, checkout):
    """A genuine checkout.session.completed event for Dave's paid session, not yet delivered."""
    stripe_server.pay(checkout["id"])
    return stripe_server.outbox.pop()


def assert_nothing_written():
    assert not StripeEvent.objects.exists()
    assert Order.objects.get().status == Order.Status.PENDING
    assert not Enrollment.objects.exists()


def test_a_processed_event_is_logged_once_with_its_type_and_status(
    stripe_server, completed, client
):
    post_event(client, completed)
    post_event(client, completed)

    event = StripeEvent.objects.get()
    assert event.stripe_id == completed["id"]
    assert event.type == "checkout.session.completed"
    assert event.object_id == completed["data"]["object"]["id"]
    assert event.status == StripeEvent.Status.PROCESSED
    assert event.processed_at is not None
    assert event.error == ""


def test_an_event_type_we_do_not_handle_is_answered_200_logged_and_ignored(
    stripe_server, client, program
):
    event = {**stripe_server._event("customer.created", {"id": "cus_test_1"})}

    response = post_event(client, event)

    assert response.status_code == 200
    assert StripeEvent.objects.get().status == StripeEvent.Status.IGNORED


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda p: {"HTTP_STRIPE_SIGNATURE": "t=1,v1=deadbeef"}, id="bad-signature"),
        pytest.param(lambda p: {"HTTP_STRIPE_SIGNATURE": ""}, id="missing-signature"),
        pytest.param(lambda p: {"HTTP_STRIPE_SIGNATURE": "garbage"}, id="unparseable-header"),
        pytest.param(
            lambda p: {"HTTP_STRIPE_SIGNATURE": signature_header(p, secret="whsec_someone_else")},
            id="other-secret",
        ),
        pytest.param(
            lambda p: {
                "HTTP_STRIPE_SIGNATURE": signature_header(p, timestamp=int(time.time()) - 301)
            },
            id="stale-timestamp",
        ),
        pytest.param(
            lambda p: {
                "HTTP_STRIPE_SIGNATURE": signature_header(p, timestamp=int(time.time()) + 3600)
            },
            id="signed-an-hour-ahead",
        ),
    ],
)
def test_an_unsigned_or_stale_event_is_refused_and_nothing_is_written(
    stripe_server, completed, client, tamper
):
    payload = json.dumps(completed)

    response = post_event(client, completed, payload=payload, **tamper(payload))

    assert response.status_code == 400
    assert_nothing_written()


def test_a_body_re_serialised_after_signing_is_refused(stripe_server, completed, client):
    signed = json.dumps(completed, indent=2)
    reserialised = json.dumps(json.loads(signed))

    response = post_event(
        client, completed, payload=reserialised, HTTP_STRIPE_SIGNATURE=signature_header(signed)
    )

    assert response.status_code == 400
    assert_nothing_written()


def test_a_truncated_body_is_refused(stripe_server, completed, client):
    signed = json.dumps(completed)

    response = post_event(
        client, completed, payload=signed[:-40], HTTP_STRIPE_SIGNATURE=signature_header(signed)
    )

    assert response.status_code == 400
    assert_nothing_written()


def test_malformed_json_is_refused_even_when_signed(stripe_server, completed, client):
    truncated = json.dumps(completed)[:-40]

    response = post_event(client, completed, payload=truncated)

    assert response.status_code == 400
    assert_nothing_written()


def test_signed_json_that_is_not_an_event_is_refused(stripe_server, completed, client):
    for payload in ("[1, 2]", '"event"', '{"object": "event"}'):
        assert post_event(client, completed, payload=payload).status_code == 400
    assert_nothing_written()


def test_a_body_that_is_not_json_by_content_type_is_refused(stripe_server, completed, client):
    payload = json.dumps(completed)

    response = client.post(
        WEBHOOK_PATH,
        data=payload,
        content_type="text/plain",
        HTTP_STRIPE_SIGNATURE=signature_header(payload),
    )

    assert response.status_code == 415
    assert_nothing_written()


def test_get_is_not_allowed(stripe_server, checkout, client):
    response = client.get(WEBHOOK_PATH)

    assert response.status_code == 405
    assert not StripeEvent.objects.exists()


def test_without_a_webhook_secret_every_event_is_refused(
    stripe_server, completed, client, settings
):
    settings.STRIPE_WEBHOOK_SECRET = ""

    assert post_event(client, completed).status_code == 400
    assert_nothing_written()


def test_an_unexpected_error_answers_500_rolls_back_and_the_retry_succeeds(
    stripe_server, completed, client, monkeypatch
):
    def enrol_then_fail(order, session, intent, charge):
        original_settle(order, session, intent, charge)
        assert Enrollment.objects.exists()  # the enrollment was written...
        raise RuntimeError("the database went away")

    original_settle = services._settle
    monkeypatch.setattr(services, "_settle", enrol_then_fail)

    response = post_event(client, completed)

    assert response.status_code == 500
    assert not Enrollment.objects.exists()  # ...and rolled back
    assert Order.objects.get().status == Order.Status.PENDING
    event = StripeEvent.objects.get()
    assert event.status == StripeEvent.Status.FAILED
    assert "RuntimeError: the database went away" in event.error

    monkeypatch.setattr(services, "_settle", original_settle)
    retried = post_event(client, completed)

    assert retried.status_code == 200
    assert StripeEvent.objects.get().status == StripeEvent.Status.PROCESSED
    assert Enrollment.objects.with_access().count() == 1


def test_an_event_for_a_session_stripe_does_not_know_is_answered_once_and_reported(
    stripe_server, completed, client, caplog
):
    completed["data"]["object"]["id"] = "cs_test_nobody_knows"

    first = post_event(client, completed)
    again = post_event(client, completed)

    assert first.status_code == again.status_code == 200
    event = StripeEvent.objects.get()
    assert event.status == StripeEvent.Status.FAILED
    assert "No such checkout.session" in event.error
    assert any(
        record.levelname == "ERROR" and "does not know" in record.getMessage()
        for record in caplog.records
    )
    assert Order.objects.get().status == Order.Status.PENDING
