"""The whole way from the sales page to week 1, with Stripe played by the test server over HTTP
and its webhook delivered to a live server, as Stripe would deliver it."""

import datetime as dt
import re
import urllib.request
import zoneinfo

import pytest
import time_machine
from django.core import mail

from billing.models import Order
from programs.models import Enrollment
from tests.factories import build_program

from .stripe_server import deliver_over_http


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def pay_on_stripe(checkout_url: str) -> str:
    """The buyer presses Pay on Stripe's hosted page; returns where Stripe sends them next."""
    opener = urllib.request.build_opener(NoRedirects)
    request = urllib.request.Request(checkout_url, data=b"", method="POST")  # noqa: S310 (http://127.0.0.1)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request, timeout=30)
    assert redirect.value.code == 303
    return redirect.value.headers["Location"]


@pytest.fixture
def noon_in_new_york():
    """A fixed instant, so the week dates the buyer sees are known."""
    noon = dt.datetime(2026, 5, 4, 12, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    with time_machine.travel(noon, tick=True):
        yield


def test_a_visitor_signs_up_pays_on_checkout_and_lands_on_week_one(
    noon_in_new_york, transactional_db, live_server, stripe_server, client
):
    build_program(weeks=2, classes_per_week=1, bonus=0)
    stripe_server.deliver = deliver_over_http(live_server.url)

    sales = client.get("/")
    assert 'href="/billing/enrol/">Enroll now</a>' in sales.text
    enrol = client.get("/billing/enrol/")
    signup_url = re.search(r'href="(/accounts/signup/[^"]+)"', enrol.text)[1]

    signed_up = client.post(
        signup_url,
        {
            "first_name": "Erin",
            "email": "erin@example.com",
            "password1": "hip-hinge-42!",
            "password2": "hip-hinge-42!",
        },
        follow=True,
    )
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE)[1]
    confirm_url = signed_up.redirect_chain[-1][0]
    back = client.post(confirm_url, {"code": code}, follow=True)
    assert back.redirect_chain[-1][0] == "/billing/enrol/"
    assert "Pay $149 and enroll" in back.text

    to_checkout = client.post("/billing/enrol/")
    assert to_checkout.status_code == 303
    assert to_checkout["Location"].startswith(stripe_server.url + "/pay/cs_test_")

    success_url = pay_on_stripe(to_checkout["Location"])

    # The webhook was delivered and fulfilled the order before Stripe redirected the buyer.
    order = Order.objects.get(user__email="erin@example.com")
    assert order.status == Order.Status.PAID
    success = client.get(success_url.removeprefix("http://testserver"))
    assert "You’re in!" in success.text
    assert client.get("/program/").status_code == 200
    assert client.get("/program/week/1/").status_code == 200
    assert client.get("/program/week/2/").status_code == 403
    assert Enrollment.objects.with_access().filter(user__email="erin@example.com").count() == 1
    assert client.post("/billing/enrol/")["Location"] == "/program/"
