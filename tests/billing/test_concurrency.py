"""Stripe delivers at least once, sometimes at the same moment, while the buyer's browser loads the
success page. These run on PostgreSQL with real threads and connections, so the row locks and
unique constraints are what keeps the count at one."""

import threading

import pytest
from django.db import connection
from django.test import Client

from billing.models import Order, StripeEvent
from programs.models import Enrollment
from tests.factories import UserFactory, build_program

from .stripe_server import post_event

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locking needs PostgreSQL: run `make test`"
)


def run_together(*calls):
    """Start every call at the same instant, each in its own thread with its own connection."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def paid_session(transactional_db, stripe_server):
    build_program(weeks=2, classes_per_week=1, bonus=0)
    dave = UserFactory(email="dave@example.com")
    buyer = Client()
    buyer.force_login(dave)
    session_id = buyer.post("/billing/enrol/")["Location"].rsplit("/", 1)[-1]
    stripe_server.pay(session_id)
    return buyer, session_id


def test_five_concurrent_deliveries_of_one_event_give_one_order_one_enrollment_all_2xx(
    stripe_server, paid_session
):
    [event] = stripe_server.outbox

    responses = run_together(*[lambda: post_event(Client(), event)] * 5)

    assert [r.status_code for r in responses] == [200] * 5
    assert Order.objects.filter(status=Order.Status.PAID).count() == 1
    assert Enrollment.objects.count() == 1
    assert StripeEvent.objects.get().status == StripeEvent.Status.PROCESSED


def test_the_success_page_racing_the_webhook_gives_one_enrollment(stripe_server, paid_session):
    buyer, session_id = paid_session
    [event] = stripe_server.outbox

    page, *webhooks = run_together(
        lambda: buyer.get(f"/billing/checkout/success/?session_id={session_id}"),
        lambda: post_event(Client(), event),
        lambda: post_event(Client(), {**event, "id": event["id"] + "_redelivered"}),
    )

    assert page.status_code == 200
    assert "You’re in!" in page.text
    assert [r.status_code for r in webhooks] == [200, 200]
    assert Order.objects.filter(status=Order.Status.PAID).count() == 1
    assert Enrollment.objects.count() == 1
