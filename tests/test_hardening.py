"""Security an operator relies on: headers, CSRF, a throttled admin login, deploy checks."""

import gzip
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory
from django.urls import URLResolver, get_resolver, reverse
from gunicorn.http.wsgi import FileWrapper

from tests.factories import PASSWORD, ExerciseFactory

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789",
    "ALLOWED_HOSTS": "healyourhips.example",
    "CSRF_TRUSTED_ORIGINS": "https://healyourhips.example",
    "SITE_URL": "https://healyourhips.example",
    "EMAIL_URL": "smtp+tls://user:secret@smtp.example.com:587",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "STRIPE_SECRET_KEY": "sk_live_example",
    "STRIPE_WEBHOOK_SECRET": "whsec_example",
}


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_production_environment_passes_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {**PRODUCTION_ENV, missing: ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"You must set the {missing} environment variable" in result.stderr


@pytest.mark.parametrize("url_name", ["programs:sales", "account_login", "programs:dashboard"])
def test_every_page_sends_the_security_headers(client, alice, url_name):
    client.force_login(alice)
    response = client.get(reverse(url_name))
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_our_pages_carry_no_inline_script(client, alice, program):
    client.force_login(alice)
    lesson = program.lessons.filter(week__number=1).first()
    for url in [
        reverse("programs:sales"),
        reverse("programs:dashboard"),
        lesson.get_absolute_url(),
    ]:
        page = client.get(url).content.decode()
        assert "<script>" not in page and " on" + "click=" not in page


def test_admin_login_goes_through_the_throttled_client_login(client, instructor):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))
    for _ in range(5):
        client.post(reverse("account_login"), {"login": instructor.email, "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": instructor.email, "password": PASSWORD}
    )
    assert "Too many tries for now" in response.content.decode()


def _all_views(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            yield from _all_views(pattern.url_patterns, prefix + namespace)
        else:
            yield f"{prefix}{pattern.name or pattern.lookup_str}", pattern.callback


def test_only_signed_requests_skip_csrf_protection():
    """The Stripe webhook is signed by Stripe; one-click unsubscribe (RFC 8058) is posted by mail
    clients without cookies and is authorised by the signed token in its URL."""
    exempt = {name for name, view in _all_views() if getattr(view, "csrf_exempt", False)}
    assert exempt == {
        "billing:stripe_webhook",
        "accounts:unsubscribe",
        "accounts:unsubscribe_reminders",
    }


def test_a_post_without_a_csrf_token_is_refused(alice, program):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    lesson = program.lessons.filter(week__number=1).first()
    for url in [
        reverse("programs:lesson_done", args=[lesson.slug]),
        reverse("accounts:settings"),
        reverse("account_logout"),
    ]:
        assert client.post(url, {"done": "1"}).status_code == 403, url
    assert not lesson.completions.exists()


def test_production_sends_hsts_over_https(client, settings, program):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("programs:sales"), secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_are_compressed_with_a_random_pad_against_breach(client, alice, program):
    """A phone on a slow network gets a third of the bytes; the compressed length varies from
    one response to the next, so a page's secrets cannot be guessed from it (BREACH)."""
    client.force_login(alice)
    lesson = program.lessons.filter(week__number=1).first()

    responses = [
        client.get(lesson.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip") for _ in range(8)
    ]

    assert all(response["Content-Encoding"] == "gzip" for response in responses)
    page = gzip.decompress(responses[0].content)
    assert lesson.title.encode() in page
    assert len(responses[0].content) < len(page) / 2
    assert len({len(response.content) for response in responses}) > 1


def test_a_pdf_download_from_disk_is_not_compressed_again_and_goes_to_sendfile(
    client, alice, program
):
    """PDFs are compressed already. Uncompressed, Django hands the open file to the server's
    `wsgi.file_wrapper`, and gunicorn's sends it with sendfile: no Python code copies its
    bytes. (From a bucket, the download is a redirect to a signed link.)"""
    lesson = program.lessons.filter(week__number=1).first()
    ExerciseFactory(lesson=lesson)
    client.force_login(alice)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    environ = (
        RequestFactory()
        .get(
            reverse("programs:lesson_pdf", args=[lesson.slug]),
            HTTP_ACCEPT_ENCODING="gzip",
            HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={session}",
        )
        .environ
    )
    environ["wsgi.file_wrapper"] = FileWrapper
    started = {}

    # As the test client does: the test's own database connection must stay open.
    request_started.disconnect(close_old_connections)
    try:
        body = WSGIHandler()(
            environ, lambda status, headers: started.update(status=status, headers=dict(headers))
        )
    finally:
        request_started.connect(close_old_connections)

    assert started["status"] == "200 OK"
    assert "Content-Encoding" not in started["headers"]
    assert isinstance(body, FileWrapper)
    assert body.filelike.read(5) == b"%PDF-"
    body.close()
