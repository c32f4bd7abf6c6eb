import pytest

from billing.models import Order
from programs.models import Enrollment


@pytest.fixture
def paid(stripe_server, checkout, client):
    stripe_server.pay(checkout["id"])
    stripe_server.deliver_outbox(client)
    return Order.objects.get()


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


def test_the_instructor_sees_an_order_read_only_with_a_link_to_stripe(paid, instructor_client):
    page = instructor_client.get(f"/admin/billing/order/{paid.pk}/change/")

    assert page.status_code == 200
    assert "$149" in page.text
    assert f'href="https://dashboard.stripe.com/test/payments/{paid.stripe_payment_intent_id}"' in (
        page.text
    )
    assert 'name="amount_total"' not in page.text
    assert 'name="status"' not in page.text
    assert instructor_client.get("/admin/billing/order/add/").status_code == 403


def test_the_refund_action_refunds_on_stripe_and_access_ends_when_stripe_confirms(
    stripe_server, paid, instructor_client, client
):
    response = instructor_client.post(
        "/admin/billing/order/",
        {"action": "refund", "_selected_action": [paid.pk]},
        follow=True,
    )

    assert "Refund requested for 1 order(s)" in response.text
    [refund] = stripe_server.refunds.values()
    assert refund["amount"] == 14900
    assert refund["payment_intent"] == paid.stripe_payment_intent_id
    assert Enrollment.objects.get(pk=paid.enrollment_id).has_access  # not until Stripe confirms

    stripe_server.deliver_outbox(client)

    paid.refresh_from_db()
    assert paid.status == Order.Status.REFUNDED
    assert paid.enrollment.status == Enrollment.Status.REVOKED


def test_refunding_twice_asks_stripe_once(stripe_server, paid, instructor_client):
    for _ in range(2):
        instructor_client.post(
            "/admin/billing/order/", {"action": "refund", "_selected_action": [paid.pk]}
        )

    assert len(stripe_server.refunds) == 1


def test_the_report_shows_revenue_net_of_refunds_and_who_has_access(
    stripe_server, paid, client, instructor_client, carol, alice
):
    stripe_server.refund(paid.stripe_session_id, amount=4900)
    stripe_server.deliver_outbox(client)

    page = instructor_client.get("/billing/report/")

    assert page.status_code == 200
    assert "<td>$149</td><td>$49</td><td>$100</td>" in page.text
    assert '<th scope="row">Paid</th><td>1</td>' in page.text
    assert '<th scope="row">Purchase</th><td>2</td>' in page.text  # Dave and Alice
    assert 'href="/billing/report/"' in instructor_client.get("/admin/billing/order/").text


def test_the_report_is_for_staff_only(dave_client):
    assert dave_client.get("/billing/report/").status_code == 302


def test_a_comped_client_gets_access_without_an_order(instructor_client, dave, program):
    instructor_client.post(
        "/admin/programs/enrollment/add/",
        {
            "user": dave.pk, "program": program.pk, "starts_on": "2026-01-05", "source": "comp",
            "pauses-TOTAL_FORMS": "0", "pauses-INITIAL_FORMS": "0",
        },
    )  # fmt: skip

    assert Enrollment.objects.with_access().get(user=dave).source == Enrollment.Source.COMP
    assert not Order.objects.exists()
