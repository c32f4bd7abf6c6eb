"""Two schedulers at once (say one beat per machine, or a second started by mistake): every
periodic sweep claims its work in the database, so each email still goes out exactly once and
no single-scheduler lock is needed."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from outbox.models import Email
from tests.factories import UserFactory, enroll_days_ago

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_beats_sweeping_the_same_overdue_emails_send_each_once(
    program, told_through, smtp_server, start_celery_worker, tmp_path
):
    emails = []
    for n in range(6):
        # Reminders off: this test counts what the outbox sweep sends.
        client = UserFactory(email=f"client{n}@example.com", wants_reminders=False)
        enrollment = enroll_days_ago(client, program, 10)
        emails.append(told_through(enrollment, 2).email_id)
    # Unlock emails left pending by an outage, their retry due: only the sweeps send them.
    Email.objects.filter(pk__in=emails).update(
        state="pending", due_at=timezone.now() - dt.timedelta(minutes=1)
    )

    for _ in range(2):
        start_celery_worker(beat=True, EMAIL_URL=smtp_server.url)

    # Each beat sends the outbox sweep at the start of every minute: wait until both have.
    logs = [tmp_path / "worker-0.log", tmp_path / "worker-1.log"]
    deadline = time.monotonic() + 90
    while not all(b"Sending due task sweep-outbox" in log.read_bytes() for log in logs):
        assert time.monotonic() < deadline, "a beat never sent the outbox sweep"
        time.sleep(0.5)
    smtp_server.wait_for(6, timeout=30)
    time.sleep(3)  # a duplicate from the later sweep would have arrived by now

    assert sorted(message["To"] for message in smtp_server.wait_for(6)) == [
        f"client{n}@example.com" for n in range(6)
    ]
    assert set(Email.objects.filter(pk__in=emails).values_list("state", flat=True)) == {"sent"}
