"""No bare Django page anywhere a client or the instructor can reach: errors come in the site's
own style with a way back."""

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import PASSWORD

WAY_BACK = 'href="/program/"'


def test_a_missing_page_has_the_site_layout_and_a_way_back(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "We can’t find that page" in response.text
    assert 'class="site-header"' in response.text
    assert WAY_BACK in response.text


def test_an_instructor_refused_an_admin_page_gets_the_sites_403_page(client, instructor):
    client.force_login(instructor)

    response = client.get(reverse("admin:auth_user_password_change", args=[instructor.pk]))

    assert response.status_code == 403
    assert "This page isn’t available to you" in response.text
    assert WAY_BACK in response.text


def test_an_expired_form_gets_a_friendly_page_and_changes_nothing(alice, program):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    lesson = program.lessons.filter(week__number=1).first()

    response = client.post(reverse("programs:lesson_done", args=[lesson.slug]), {"done": "1"})

    assert response.status_code == 403
    assert "That form had expired" in response.text
    assert not alice.completions.exists()


def test_a_server_error_page_needs_neither_a_request_context_nor_the_database(db):
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert WAY_BACK in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_account_emails_name_the_real_site_not_example_com(client, program, settings):
    settings.SITE_URL = "https://hips.example.org"
    client.post(
        reverse("account_signup"),
        {
            "first_name": "Noor",
            "email": "new@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    (message,) = mail.outbox
    assert "example.com" not in message.body.replace("new@example.com", "")
    assert "https://hips.example.org/" in message.body
