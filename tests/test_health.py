"""/health/ tells monitoring which service is down; /healthz/ keeps answering for the balancer."""

import pytest
from django.urls import reverse

from healhips.celery import app as celery_app
from tests.factories import PASSWORD

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: a Redis that is down


@pytest.fixture
def real_broker():
    """The test Redis as the broker, not eager mode, for the length of a test."""
    celery_app.conf.task_always_eager = False
    broker = celery_app.conf.broker_url
    yield
    celery_app.conf.broker_url = broker
    celery_app.conf.task_always_eager = True


def test_health_is_ok_when_the_database_cache_and_broker_answer(client, db, real_broker):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_health_fails_when_redis_as_cache_is_down(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
        }
    }
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["cache"] == "down"
    assert client.get(reverse("healthz")).status_code == 200


def test_health_fails_when_the_broker_is_down(client, db, real_broker):
    celery_app.conf.broker_url = CLOSED_PORT
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "down"}


def test_with_redis_down_signed_in_pages_and_sign_in_still_work(client, alice, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "lib.cache.FailOpenRedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    assert (
        client.post(
            reverse("account_login"), {"login": alice.email, "password": PASSWORD}
        ).status_code
        == 302
    )
    assert client.get(reverse("programs:dashboard")).status_code == 200
    assert client.get(reverse("health")).status_code == 503
