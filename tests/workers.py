"""A real `celery worker` process for integration tests, on the real Redis and the test database."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from healhips.celery import app as celery_app


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("Worker tests need PostgreSQL: run them with `make test`.")
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def start_celery_worker(transactional_db, tmp_path):
    """Start workers with `start_celery_worker(**env)`; every one is stopped after the test.

    The test process publishes to Redis for real while the fixture is in use (no eager mode).
    """
    if not settings.REDIS_URL:
        pytest.fail("Worker tests need REDIS_URL: run them with `make test`.")
    workers = []
    celery_app.conf.task_always_eager = False

    def start(concurrency=1, beat=False, **extra_env):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            **{key: str(value) for key, value in extra_env.items()},
        }
        log = open(tmp_path / f"worker-{len(workers)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "healhips", "worker", "--pool=prefork",
             f"--concurrency={concurrency}", "--loglevel=INFO", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "-n", f"test{len(workers)}@%h",
             *(["--beat", "--schedule", str(tmp_path / f"beat-{len(workers)}")] if beat else [])],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        workers.append((process, log))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if b"ready." in (tmp_path / f"worker-{len(workers) - 1}.log").read_bytes():
                return process
            if process.poll() is not None:
                break
            time.sleep(0.2)
        pytest.fail("The Celery worker did not start:\n" + (tmp_path / log.name).read_text())

    yield start

    celery_app.conf.task_always_eager = True
    for process, log in workers:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


@contextlib.contextmanager
def broker_at(url: str):
    """Publish to the broker at `url` while in the block. The app keeps its connection pool and
    producer pool from the broker it first used: it forgets them at each switch and finds the
    pools of the new address in kombu's registry (they are shared, so none is closed here)."""

    def switch(to):
        celery_app.conf.broker_url = to
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    previous = celery_app.conf.broker_url
    switch(url)
    try:
        yield
    finally:
        switch(previous)


def run_at_once(function, times: int) -> None:
    """Call `function` from `times` threads released together, as concurrent beats or sweeps on
    several machines would; each thread closes its own database connection."""
    barrier = threading.Barrier(times)

    def run():
        barrier.wait()
        try:
            function()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def kill_with_children(process):
    """SIGKILL a worker and its pool processes at once, as a crashed machine would."""
    children = [
        int(stat.parent.name)
        for stat in Path("/proc").glob("[0-9]*/stat")
        if _parent_pid(stat) == process.pid
    ]
    for pid in [process.pid, *children]:
        os.kill(pid, signal.SIGKILL)
    process.wait()


def _parent_pid(stat: Path) -> int | None:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def wait_until_all_sent(timeout=30):
    """Wait until the outbox has sent every email it holds."""
    from outbox.models import Email

    deadline = time.monotonic() + timeout
    while Email.objects.exclude(state=Email.State.SENT).exists():
        assert time.monotonic() < deadline, list(Email.objects.values("pk", "state"))
        time.sleep(0.1)
