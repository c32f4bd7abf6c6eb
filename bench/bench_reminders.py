"""Practice reminders: the sweep over 100,000 clients with 30,000 due at one minute.

Run by `make bench`. Sets itself up like bench_emails.py (a PostgreSQL database and a Redis queue
of its own). Prints a markdown table: time and queries for the sweep that queues the 30,000
reminders (rows claimed, emails inserted, messages published to Redis), and for the sweep five
minutes later, when nothing is due (the cost beat pays every 5 minutes).
"""

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_emails import ZONES, configure, migrate_and_make_program  # noqa: E402

CLIENTS = 100_000
DUE = 30_000
AT = dt.datetime(2026, 12, 2, 17, 0, tzinfo=dt.UTC)  # noon in New York, 2 a.m. in Tokyo


def seed():
    from accounts.models import User
    from programs.models import Enrollment

    program = migrate_and_make_program()
    chunk = 5_000
    for first in range(0, CLIENTS, chunk):
        users = User.objects.bulk_create(
            User(
                email=f"client{n}@example.com",
                password="!",  # noqa: S106 - unusable password: no hashing to wait for
                time_zone=ZONES[n % len(ZONES)],
            )
            for n in range(first, first + chunk)
        )
        Enrollment.objects.bulk_create(
            Enrollment(
                user=user,
                program=program,
                starts_on=AT.date() - dt.timedelta(days=10),
                practice_days=0b1111111,
                # Due: any time today has passed; the rest practise late in the evening.
                practice_time=dt.time(0, 0) if first + i < DUE else dt.time(23, 59),
            )
            for i, user in enumerate(users)
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def timed(at):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from journal import reminders

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        queued = reminders.sweep(at)
        seconds = time.perf_counter() - started
    return queued, seconds, len(queries.captured_queries)


def main():
    configure()
    from healhips.celery import app as celery_app

    seed()
    queued, seconds, queries = timed(AT)
    _, idle_seconds, idle_queries = timed(AT + dt.timedelta(minutes=5))
    celery_app.control.purge()
    print("## Practice reminders (bench/bench_reminders.py)")
    print()
    print(f"{CLIENTS:,} active clients in {len(ZONES)} time zones, {DUE:,} due at one minute.")
    print()
    print("| sweep | reminders queued | time | queries |")
    print("|---|---|---|---|")
    print(f"| {DUE:,} due | {queued:,} | {seconds:.2f} s | {queries} |")
    print(f"| 5 minutes later, nothing due | 0 | {idle_seconds:.2f} s | {idle_queries} |")


if __name__ == "__main__":
    main()
