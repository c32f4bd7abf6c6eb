"""Account emails (sign-up code, sign-in code, password reset) leave the request: a mail server
that is down or slow never breaks or holds a sign-up, and the email goes out once it is back."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from outbox import services as outbox
from outbox.models import Email
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mail_server_down(settings, smtp_server):
    """Django sends to the local SMTP server, which is stopped until the test starts it again."""
    smtp_server.use_for_django(settings)
    smtp_server.stop()
    return smtp_server


def _code(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"^([A-Z0-9]{4}-?[A-Z0-9]{4}|[A-Z0-9]{6})\r?$", text, re.M)[1]


def test_signing_up_with_the_mail_server_down_works_and_the_code_arrives_when_it_is_back(
    client, program, mail_server_down
):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Noor",
            "email": "new@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(email="new@example.com").exists()
    (email,) = Email.objects.filter(kind="account-confirmation")
    assert (email.state, email.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in email.last_error

    mail_server_down.start()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        outbox.sweep()

    (message,) = mail_server_down.wait_for(1)
    assert message["To"] == "new@example.com"
    email.refresh_from_db()
    assert (email.state, email.payload) == ("sent", {})
    response = client.post(response.headers["Location"], {"code": _code(message)})
    assert response.status_code == 302
    assert User.objects.get(email="new@example.com").emailaddress_set.get().verified


def test_a_login_code_held_up_past_its_expiry_is_given_up_not_sent(client, alice, mail_server_down):
    response = client.post(reverse("account_request_login_code"), {"email": alice.email})
    assert response.status_code == 302

    mail_server_down.start()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10)):
        outbox.sweep()

    email = Email.objects.get(kind="account-login-code")
    assert email.state == "failed"
    assert email.last_error.startswith("Gave up: too late to send.")
    assert email.payload == {}
    assert mail_server_down.messages == []


def test_a_slow_mail_server_does_not_hold_the_request(
    client, program, settings, smtp_server, start_celery_worker
):
    smtp_server.delay = 5
    start_celery_worker(EMAIL_URL=smtp_server.url)

    started = timezone.now()
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Noor",
            "email": "new@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    answered = timezone.now()

    assert response.status_code == 302
    (message,) = smtp_server.wait_for(1, timeout=30)
    assert message["To"] == "new@example.com"
    # The request finished before the SMTP server answered the message, not after.
    assert smtp_server.answered_at[0] > answered > started
