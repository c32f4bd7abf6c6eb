"""Redis stopped and started for real (a redis-server of the test's own, as cache and broker):
signed-in pages, sign-in and asking a question keep working during the outage, /health/ says
what is down, and the question's email goes out once Redis is back."""

import datetime as dt
import subprocess
import time

import pytest
import redis
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outbox.models import Email
from outbox.tasks import sweep_outbox
from programs.models import Question
from tests.factories import PASSWORD
from tests.smtp import free_port
from tests.workers import broker_at


class RedisServer:
    def __init__(self, folder):
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path, settings):
    """A Redis of this test's own as the cache and the broker, so stopping it stops nothing else."""
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "lib.cache.FailOpenRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with broker_at(server.url):
        yield server
    if server.process.poll() is None:
        server.stop()


@pytest.mark.django_db(transaction=True)
def test_a_redis_outage_costs_no_errors_and_its_work_waits_for_redis(
    own_redis, start_celery_worker, smtp_server, alice, bob, program
):
    lesson = program.lessons.filter(week__number=1).first()
    client = Client()
    client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert client.get(reverse("programs:dashboard")).status_code == 200

    own_redis.stop()

    assert client.get(reverse("programs:dashboard")).status_code == 200
    assert client.get(lesson.get_absolute_url()).status_code == 200
    asked = client.post(
        reverse("programs:ask", args=[lesson.slug]), {"message": "Should my knee click?"}
    )
    assert asked.status_code == 302
    other = Client()
    signed_in = other.post(reverse("account_login"), {"login": bob.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert other.get(reverse("programs:dashboard")).status_code == 200
    health = client.get(reverse("health"))
    assert health.status_code == 503
    assert health.json()["cache"] == health.json()["broker"] == "down"
    email = Question.objects.get().email
    assert email.state == "pending"

    own_redis.start()
    start_celery_worker(REDIS_URL=own_redis.url, EMAIL_URL=smtp_server.url)
    # The outbox sweep (every minute on beat) finds the email once its retry is due.
    Email.objects.filter(pk=email.pk).update(due_at=timezone.now() - dt.timedelta(seconds=1))
    sweep_outbox.delay()

    (message,) = smtp_server.wait_for(1, timeout=30)
    assert message["Reply-To"] == alice.email
    assert client.get(reverse("health")).json()["cache"] == "ok"
