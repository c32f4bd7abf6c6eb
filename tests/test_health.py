"""/health/ tells monitoring which service is down; /healthz/ keeps answering for the balancer."""

import pytest
from django.urls import reverse

from healhips.celery import app as celery_app

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: a Redis that is down


@pytest.fixture
def real_broker():
    """The test Redis as the broker, not eager mode, for the length of a test."""
    celery_app.conf.task_always_eager = False
    broker = celery_app.conf.broker_url
    yield
    celery_app.conf.broker_url = broker
    celery_app.conf.task_always_eager = True


ALL_OK = {"database": "ok", "cache": "ok", "storage": "ok", "broker": "ok", "worker": "ok"}


def test_health_is_ok_when_every_service_and_a_worker_answer(
    client, start_celery_worker, bucket_storage
):
    start_celery_worker(**bucket_storage.environment)
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == ALL_OK
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_fails_when_no_worker_answers(client, db, real_broker):
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {**ALL_OK, "worker": "down"}


def test_health_fails_when_the_bucket_does_not_answer(client, db, s3_server, settings):
    closed = s3_server.storages("nowhere")
    for storage in closed.values():
        storage["OPTIONS"]["endpoint_url"] = "http://127.0.0.1:1"
    settings.STORAGES = {**settings.STORAGES, **closed}
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {**ALL_OK, "storage": "down"}


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
    assert response.json() == {**ALL_OK, "broker": "down", "worker": "down"}
