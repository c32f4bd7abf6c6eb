import datetime as dt
import re

import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD


def _code_from_last_email():
    return re.search(r"^([A-Z0-9]{4}-?[A-Z0-9]{4}|[A-Z0-9]{6})$", mail.outbox[-1].body, re.M)[1]


def test_a_visitor_signs_up_with_email_and_confirms_with_the_emailed_code(
    client, program, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "first_name": "Pat",
                "email": "new@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "time_zone": "America/Chicago",
            },
        )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new@example.com"]

    response = client.post(response.headers["Location"], {"code": _code_from_last_email()})

    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert (user.first_name, user.time_zone) == ("Pat", "America/Chicago")
    assert user.emailaddress_set.get().verified
    assert client.get(reverse("accounts:settings")).status_code == 200


def test_a_client_who_forgot_their_password_signs_in_with_an_emailed_code(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": alice.email})
    assert response.status_code == 302
    response = client.post(response.headers["Location"], {"code": _code_from_last_email()})
    assert response.status_code == 302
    assert client.get(reverse("programs:dashboard")).status_code == 200


def test_a_wrong_password_gives_a_clear_error(client, alice):
    response = client.post(reverse("account_login"), {"login": alice.email, "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_account_pages_use_the_site_layout(client, db):
    for name in ["account_login", "account_signup", "account_request_login_code"]:
        page = client.get(reverse(name)).content.decode()
        assert 'class="site-header"' in page
        assert "css/site.css" in page


def test_repeated_wrong_passwords_lock_the_account_for_a_while(client, alice):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": alice.email, "password": "bad"})
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert "Too many tries for now" in response.content.decode()
    assert "_auth_user_id" not in client.session


def _request_code(client, email, capture):
    with capture(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": email})
    assert response.headers["Location"] == reverse("account_confirm_login_code")


def test_a_wrong_sign_in_code_says_so_and_offers_a_new_one(
    client, alice, django_capture_on_commit_callbacks
):
    _request_code(client, alice.email, django_capture_on_commit_callbacks)
    response = client.post(reverse("account_confirm_login_code"), {"code": "WRONG-CODE"})
    page = response.content.decode()
    assert "That code is not right" in page
    assert 'value="resend"' in page
    assert "_auth_user_id" not in client.session


def test_an_expired_sign_in_code_says_so_instead_of_a_blank_form(
    client, alice, django_capture_on_commit_callbacks
):
    _request_code(client, alice.email, django_capture_on_commit_callbacks)
    code = _code_from_last_email()
    with time_machine.travel(dt.timedelta(minutes=16)):
        response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_request_login_code")
    assert "That sign-in code has expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_time_zone_picker_lists_places_grouped_by_region(client, alice):
    client.force_login(alice)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert '<optgroup label="America">' in page
    assert '<option value="America/New_York" selected>New York (United States)</option>' in page
    assert '<option value="Asia/Kolkata">Kolkata (India)</option>' in page
    assert (
        '<option value="America/Argentina/Buenos_Aires">Buenos Aires (Argentina)</option>' in page
    )
    assert "US/Eastern" not in page and "Asia/Calcutta" not in page  # no legacy aliases
    assert "(now New York, " in page
