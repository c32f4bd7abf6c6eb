import datetime as dt

from django.utils import timezone

from billing.models import Order
from programs.models import Enrollment
from tests.factories import enroll_days_ago


def test_enrol_writes_a_pending_order_and_sends_the_client_to_stripe_checkout(
    stripe_server, dave, dave_client, program
):
    response = dave_client.post("/billing/enrol/")

    order = Order.objects.get(user=dave)
    session = stripe_server.sessions[order.stripe_session_id]
    assert response.status_code == 303
    assert response["Location"] == session["url"]
    assert order.status == Order.Status.PENDING
    assert order.amount_total == 14900
    params = stripe_server.session_params[session["id"]]
    assert params["mode"] == "payment"
    assert params["customer_email"] == "dave@example.com"
    assert params["client_reference_id"] == str(dave.pk)
    assert params["metadata"] == {
        "order_id": str(order.pk),
        "user_id": str(dave.pk),
        "program": program.slug,
    }
    assert params["allow_promotion_codes"] == "true"
    assert params["line_items"] == [
        {
            "price_data": {
                "currency": "usd",
                "unit_amount": "14900",
                "product_data": {"name": "Heal Your Hips"},
            },
            "quantity": "1",
        }
    ]
    assert params["success_url"] == (
        "http://testserver/billing/checkout/success/?session_id={CHECKOUT_SESSION_ID}"
    )
    assert params["cancel_url"] == "http://testserver/billing/checkout/cancelled/"


def test_a_configured_stripe_price_is_charged_instead_of_the_program_price(
    stripe_server, dave_client, settings
):
    settings.STRIPE_PRICE_ID = "price_hips_launch"
    stripe_server.prices["price_hips_launch"] = {
        "id": "price_hips_launch",
        "unit_amount": 9900,
        "currency": "usd",
        "product_name": "Heal Your Hips (launch price)",
    }

    dave_client.post("/billing/enrol/")

    session = next(iter(stripe_server.sessions.values()))
    assert session["amount_total"] == 9900
    assert stripe_server.session_params[session["id"]]["line_items"] == [
        {"price": "price_hips_launch", "quantity": "1"}
    ]


def test_clicking_enrol_twice_returns_to_the_same_open_checkout(stripe_server, dave_client):
    first = dave_client.post("/billing/enrol/")
    second = dave_client.post("/billing/enrol/")

    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1
    assert len(stripe_server.sessions) == 1


def test_an_enrolled_client_is_sent_to_their_dashboard_never_to_checkout(
    stripe_server, alice, client
):
    client.force_login(alice)

    response = client.post("/billing/enrol/")

    assert response.status_code == 302
    assert response["Location"] == "/program/"
    assert not Order.objects.exists()
    assert not stripe_server.sessions


def test_a_client_whose_access_is_paused_is_not_sent_to_checkout_again(
    stripe_server, dave, dave_client, program
):
    enroll_days_ago(dave, program, 3, status=Enrollment.Status.SUSPENDED)

    response = dave_client.post("/billing/enrol/")

    assert response["Location"] == "/program/"
    assert not stripe_server.sessions


def test_a_refunded_client_may_buy_again(stripe_server, carol, client):
    client.force_login(carol)

    response = client.post("/billing/enrol/")

    assert response.status_code == 303
    assert Order.objects.filter(user=carol, status=Order.Status.PENDING).exists()


def test_a_visitor_is_asked_to_sign_up_or_in_and_comes_back_to_enrol(
    stripe_server, client, program
):
    page = client.get("/billing/enrol/")
    sales = client.get("/")
    posted = client.post("/billing/enrol/")

    assert 'href="/accounts/signup/?next=/billing/enrol/"' in page.text
    assert 'href="/accounts/login/?next=/billing/enrol/"' in page.text
    assert 'href="/billing/enrol/">Enroll now</a>' in sales.text
    assert posted.status_code == 302
    assert posted["Location"] == "/accounts/login/?next=/billing/enrol/"
    assert not Order.objects.exists()


def test_the_sales_page_enrol_button_posts_to_checkout_for_a_signed_in_client(
    stripe_server, dave_client
):
    page = dave_client.get("/")

    assert '<form method="post" action="/billing/enrol/"' in page.text


def test_without_a_stripe_key_the_site_says_payments_are_not_set_up_and_takes_no_order(
    settings, dave_client, client, program
):
    settings.STRIPE_SECRET_KEY = ""

    sales = client.get("/")
    page = dave_client.get("/billing/enrol/")
    posted = dave_client.post("/billing/enrol/")

    assert "payments are not set up yet" in sales.text
    assert "Payments are not set up yet" in page.text
    assert posted.status_code == 200
    assert "Payments are not set up yet" in posted.text
    assert not Order.objects.exists()


def test_when_stripe_cannot_be_reached_the_client_is_told_and_no_order_is_left(
    settings, dave_client, program
):
    settings.STRIPE_SECRET_KEY = "sk_test_healhips"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port

    response = dave_client.post("/billing/enrol/", follow=True)

    assert "We could not reach our payment provider" in response.text
    assert not Order.objects.exists()


def test_cancelling_checkout_says_no_payment_was_taken(stripe_server, checkout, dave_client):
    response = dave_client.get("/billing/checkout/cancelled/", follow=True)

    assert "Checkout was cancelled, and no payment was taken." in response.text
    assert Order.objects.get().status == Order.Status.PENDING


def age(order, hours):
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - dt.timedelta(hours=hours))


def test_a_client_whose_delayed_payment_is_processing_is_shown_it_rather_than_a_second_checkout(
    stripe_server, checkout, dave_client
):
    stripe_server.pay(checkout["id"], delayed=True)

    response = dave_client.post("/billing/enrol/")

    assert response.status_code == 303
    assert response["Location"] == (
        f"http://testserver/billing/checkout/success/?session_id={checkout['id']}"
    )
    assert len(stripe_server.sessions) == 1
    assert Order.objects.get().status == Order.Status.PENDING
    assert "Your payment is processing" in dave_client.get(response["Location"]).text


def test_a_payment_processing_for_days_still_stops_a_second_checkout(
    stripe_server, checkout, dave_client
):
    stripe_server.pay(checkout["id"], delayed=True)
    age(Order.objects.get(), hours=24 * 4)

    response = dave_client.post("/billing/enrol/")

    assert response["Location"].endswith(f"?session_id={checkout['id']}")
    assert len(stripe_server.sessions) == 1
    assert Order.objects.count() == 1


def test_a_processing_payment_wins_over_a_newer_open_checkout(
    stripe_server, checkout, dave, dave_client, program
):
    stripe_server.pay(checkout["id"], delayed=True)
    age(Order.objects.get(), hours=30)
    # Left by the code before the fix: a second checkout opened while the first was processing.
    newer = stripe_server.create_session(stripe_server.session_params[checkout["id"]])
    Order.objects.create(
        user=dave,
        program=program,
        amount_total=14900,
        currency="usd",
        stripe_session_id=newer["id"],
    )

    response = dave_client.post("/billing/enrol/")

    assert response["Location"].endswith(f"?session_id={checkout['id']}")
    assert len(stripe_server.sessions) == 2


def test_an_open_checkout_older_than_a_day_is_not_offered_again(
    stripe_server, checkout, dave_client
):
    age(Order.objects.get(), hours=23.5)

    response = dave_client.post("/billing/enrol/")

    assert response["Location"] != checkout["url"]
    assert len(stripe_server.sessions) == 2
    assert Order.objects.filter(status=Order.Status.PENDING).count() == 2
