import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command

from billing.models import Order, StripeEvent
from billing.services import reconcile_checkouts
from programs.models import Enrollment
from tests.factories import UserFactory


def test_a_lost_webhook_is_repaired_by_reconciliation(stripe_server, checkout, dave, capsys):
    stripe_server.pay(checkout["id"])
    stripe_server.outbox.clear()  # the webhook never arrives: endpoint down for days

    call_command("reconcile_checkouts")

    assert Order.objects.get().status == Order.Status.PAID
    assert Enrollment.objects.with_access().filter(user=dave).exists()
    assert "Reconciled: 1 missed order(s) fulfilled." in capsys.readouterr().out


def test_reconciliation_leaves_fulfilled_unpaid_and_foreign_sessions_alone(
    stripe_server, checkout, client, capsys, another_sites_paid_session
):
    stripe_server.pay(checkout["id"])
    stripe_server.deliver_outbox(client)

    call_command("reconcile_checkouts")

    assert "Reconciled: 0 missed order(s) fulfilled." in capsys.readouterr().out
    assert Enrollment.objects.filter(user__email="dave@example.com").count() == 1


def test_reconciliation_looks_back_three_days(stripe_server, checkout, capsys):
    stripe_server.pay(checkout["id"])
    stripe_server.outbox.clear()

    with time_machine.travel(dt.timedelta(days=3, hours=1)):
        call_command("reconcile_checkouts")

    assert Order.objects.get().status == Order.Status.PENDING


def test_reconciliation_pages_through_every_session(stripe_server, client, program):
    for n in range(3):
        client.force_login(UserFactory(email=f"buyer{n}@example.com"))
        stripe_server.pay(client.post("/billing/enrol/")["Location"].rsplit("/", 1)[-1])

    repaired, failed = reconcile_checkouts(page_size=2)

    assert len(repaired) == 3
    assert failed == []
    assert Enrollment.objects.with_access().count() == 3


def test_a_session_that_cannot_be_settled_is_reported_and_the_others_still_are(
    stripe_server, client, program
):
    sessions = []
    for n in range(3):
        client.force_login(UserFactory(email=f"buyer{n}@example.com"))
        sessions.append(client.post("/billing/enrol/")["Location"].rsplit("/", 1)[-1])
        stripe_server.pay(sessions[-1])
    stripe_server.broken_paths.add(sessions[1])

    with pytest.raises(CommandError, match=f"1 Checkout Session.*{sessions[1]}"):
        call_command("reconcile_checkouts")

    assert Enrollment.objects.with_access().count() == 2
    assert Order.objects.get(stripe_session_id=sessions[1]).status == Order.Status.PENDING


def test_an_event_that_failed_shows_its_order_settled_once_reconciliation_fulfils_it(
    stripe_server, checkout, client, instructor
):
    stripe_server.pay(checkout["id"])
    stripe_server.broken_paths.add(checkout["id"])
    assert [response.status_code for response in stripe_server.deliver_outbox(client)] == [500]
    event = StripeEvent.objects.get()
    assert event.status == StripeEvent.Status.FAILED

    stripe_server.broken_paths.clear()
    call_command("reconcile_checkouts")

    event.refresh_from_db()
    assert event.status == StripeEvent.Status.SETTLED
    assert event.order.status == Order.Status.PAID
    client.force_login(instructor)
    listing = client.get("/admin/billing/stripeevent/").text
    assert "Failed, then settled by reconciliation" in listing
    assert "(Paid)</a>" in listing


def test_the_command_explains_when_stripe_is_not_configured(settings, db):
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(CommandError, match="STRIPE_SECRET_KEY is not set"):
        call_command("reconcile_checkouts")
