import pytest
from django.test import Client

from .stripe_server import SECRET_KEY, WEBHOOK_SECRET, FakeStripe


@pytest.fixture
def stripe_server(settings):
    """Stripe, as far as this site uses it, on 127.0.0.1 for the length of one test."""
    server = FakeStripe()
    server.start()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = server.url
    yield server
    server.stop()


@pytest.fixture
def dave_client(dave, program):
    """Dave (an account, never enrolled) signed in, on a site with the program for sale."""
    client = Client()
    client.force_login(dave)
    return client


@pytest.fixture
def checkout(stripe_server, dave_client):
    """Dave clicked Enrol: the Checkout Session Stripe holds for his pending order."""
    response = dave_client.post("/billing/enrol/")
    assert response.status_code == 303
    session_id = response["Location"].rsplit("/", 1)[-1]
    return stripe_server.sessions[session_id]


@pytest.fixture
def another_sites_paid_session(stripe_server):
    """A paid Checkout Session the same Stripe account made for something else: not ours."""
    session = stripe_server.create_session(
        {
            "mode": "payment",
            "success_url": "https://elsewhere.example/ok",
            "line_items": [
                {
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": "500",
                        "product_data": {"name": "Mug"},
                    }
                }
            ],
        }
    )
    stripe_server.pay(session["id"])
    return session
