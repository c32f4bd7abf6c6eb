import re

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
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
