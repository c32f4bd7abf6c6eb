"""Unlock emails: the sweep over 100,000 enrollments, and one worker's delivery rate.

Run by `make bench`. Sets itself up: a PostgreSQL database of its own (dropped and created again,
then migrated), a Celery queue of its own on the local Redis, and an SMTP server (aiosmtpd) on
127.0.0.1 that accepts everything. Prints a markdown table:

- the sweep over 100,000 active enrollments of which 10,000 are owed a week email: time to create
  the notices and enqueue them, queries per batch, peak Python memory (tracemalloc, a second run);
- a sweep when nothing is due, the cost beat pays every 15 minutes;
- messages per second delivered by one worker process (concurrency 1) to the SMTP server.
"""

import datetime as dt
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_EMAILS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/healhips_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
ENROLMENTS = 100_000
DUE = 10_000
DELIVER = int(os.environ.get("BENCH_EMAILS_DELIVER", "2000"))
ZONES = ["America/Los_Angeles", "America/New_York", "Europe/London", "Asia/Kolkata", "Asia/Tokyo"]


def configure():
    os.environ.update(
        {
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "CELERY_QUEUE": f"bench-emails-{os.getpid()}",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "healhips.settings",
        }
    )
    sys.path.insert(0, str(ROOT))
    _recreate_database()
    import django

    django.setup()


def _recreate_database():
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def migrate_and_make_program():
    """The schema, and an 8-week program of 3 classes a week with a bonus class."""
    from django.core.management import call_command

    from lessons.models import Lesson, Program, Week

    call_command("migrate", verbosity=0)
    program = Program.objects.create(
        title="Heal Your Hips", slug="heal-your-hips", instructor_name="Maya", price_amount=14900
    )
    for number in range(1, 9):
        week = Week.objects.create(program=program, number=number, title=f"Week {number}")
        for position in range(3):
            Lesson.objects.create(
                program=program,
                week=week,
                title=f"Class {number}.{position}",
                slug=f"class-{number}-{position}",
                position=position,
            )
    Lesson.objects.create(program=program, title="Foot & Ankle class", slug="foot-and-ankle")
    return program


def seed(at: dt.datetime):
    """100,000 clients in five time zones, each told as far as is due except 10,000 for whom week
    2 has opened: 30,000 up to date in week 2, 30,000 in week 1, 30,000 finished."""

    from accounts.models import User
    from outbox.models import Email
    from outbox.services import new_email
    from programs.models import Enrollment, Notice

    program = migrate_and_make_program()

    today = at.date()
    groups = [  # (clients, days since the start, weeks told about)
        (DUE, 10, 1),
        (30_000, 10, 2),
        (30_000, 3, 1),
        (ENROLMENTS - DUE - 60_000, 70, 9),
    ]
    chunk = 5_000
    n = 0
    for count, days_in, told in groups:
        for first in range(0, count, chunk):
            size = min(chunk, count - first)
            users = User.objects.bulk_create(
                User(
                    email=f"client{n + i}@example.com",
                    password="!",  # noqa: S106 - unusable password: no hashing to wait for
                    time_zone=ZONES[(n + i) % len(ZONES)],
                )
                for i in range(size)
            )
            n += size
            enrollments = Enrollment.objects.bulk_create(
                Enrollment(user=user, program=program, starts_on=today - dt.timedelta(days_in))
                for user in users
            )
            emails = Email.objects.bulk_create(
                new_email("unlock", f"unlock:{enrollment.pk}:{told}", state="sent", due_at=None)
                for enrollment in enrollments
            )
            Notice.objects.bulk_create(
                Notice(enrollment=enrollment, week=told, kind="week", email=email)
                for enrollment, email in zip(enrollments, emails, strict=True)
            )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def timed_sweep(at):
    """Run the sweep, timing the enqueueing (the on-commit publishes to Redis) on its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from outbox import services as outbox
    from programs import notices

    enqueue = outbox._enqueue
    spent = {"enqueue": 0.0, "batches": 0}

    def timed_enqueue(ids):
        started = time.perf_counter()
        enqueue(ids)
        spent["enqueue"] += time.perf_counter() - started
        spent["batches"] += 1

    outbox._enqueue = timed_enqueue
    try:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            due = notices.sweep(at)
            total = time.perf_counter() - started
    finally:
        outbox._enqueue = enqueue
    return len(due), total, spent, queries.captured_queries


def _statements_per_transaction(queries) -> list[int]:
    counts, current = [], None
    for query in queries:
        if query["sql"] == "BEGIN":
            current = 0
        elif query["sql"] == "COMMIT":
            counts.append(current)
        elif current is not None:
            current += 1
    return counts


def forget_sweep(at):
    """Undo a sweep: its notices, their emails and its queued messages."""
    from healhips.celery import app as celery_app
    from outbox.models import Email
    from programs.models import Notice

    Notice.objects.filter(created_at=at).delete()
    Email.objects.filter(created_at=at, kind="unlock").exclude(state="sent").delete()
    celery_app.control.purge()


def deliver(count: int) -> tuple[float, int]:
    """Start one worker on the queued notices; seconds between the first and the `count`-th
    delivered message, and the number delivered."""
    from aiosmtpd.controller import Controller

    class Counter:
        def __init__(self):
            self.times = []

        async def handle_DATA(self, server, session, envelope):
            self.times.append(time.perf_counter())
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    counter = Counter()
    smtp = Controller(counter, hostname="127.0.0.1", port=port, server_hostname="localhost")
    smtp.start()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "healhips", "worker", "--pool=prefork",
         "--concurrency=1", "--loglevel=WARNING", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-n", f"bench-emails-{os.getpid()}@%h"],
        cwd=ROOT, env={**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}, stdout=sys.stderr,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 600
        while len(counter.times) < count and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        smtp.stop()
    delivered = min(len(counter.times), count)
    return counter.times[delivered - 1] - counter.times[0], delivered


def main():
    configure()
    from django.conf import settings
    from django.utils import timezone

    from outbox import services as outbox
    from programs import notices

    at = timezone.now()
    started = time.perf_counter()
    seed(at)
    seeded = time.perf_counter() - started

    due, total, spent, queries = timed_sweep(at)
    assert due == DUE, due
    # BEGIN and COMMIT are logged as queries on PostgreSQL; the table counts statements of work.
    work = [query for query in queries if query["sql"] not in ("BEGIN", "COMMIT")]
    per_batch = ", ".join(str(n) for n in sorted(set(_statements_per_transaction(queries))))

    forget_sweep(at)
    tracemalloc.start()
    notices.sweep(at)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    _, idle, _, idle_queries = timed_sweep(at)

    seconds, delivered = deliver(DELIVER)
    forget_sweep(at)

    print("## Unlock emails")
    print()
    print(
        f"PostgreSQL and Redis on this machine; {ENROLMENTS:,} active enrollments in five time "
        f"zones, of which {DUE:,} are owed a week email (set up in {seeded:.0f} s). Batches of "
        f"{notices.BATCH_SIZE:,}."
    )
    print()
    print("| Measure | Result |")
    print("|---|---:|")
    print(f"| Sweep: create {DUE:,} notices and enqueue them | {total:.2f} s |")
    print(f"| … of which enqueueing to Redis | {spent['enqueue']:.2f} s |")
    print(f"| Batches with notices | {spent['batches']} |")
    print(
        "| Queries per batch, BEGIN and COMMIT aside: lock, read, insert emails, insert notices "
        f"(the last batch, empty, inserts nothing) | {per_batch} |"
    )
    print(f"| Queries in the whole sweep: programs, batches (BEGIN, COMMIT aside) | {len(work)} |")
    print(f"| Peak Python memory during the sweep (tracemalloc) | {peak / 2**20:.1f} MiB |")
    print(f"| Sweep when nothing is due ({len(idle_queries)} queries) | {idle * 1000:.0f} ms |")
    print(
        f"| One worker (concurrency 1) to a local SMTP server, {delivered:,} messages "
        f"| {(delivered - 1) / seconds:.0f} messages/s |"
    )
    print()
    print(
        f"Retries back off from {settings.OUTBOX_RETRY_SECONDS} s. The sweep publishes one "
        f"task per {outbox.SEND_BATCH_SIZE} emails, and a worker sends each batch over one SMTP "
        "connection."
    )


if __name__ == "__main__":
    main()
