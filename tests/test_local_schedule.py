"""`make run` behaves like production for email, with no server to install: a worker with
embedded beat, queueing through folders (kombu's filesystem transport), runs the sweeps on
their schedule."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from outbox.models import Email
from programs.models import Notice

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_make_run_starts_sends_an_overdue_email_on_beats_schedule(
    alice, told_through, smtp_server, start_celery_worker, tmp_path
):
    notice = told_through(alice.enrollments.get(), 2)
    # Beat's practice-reminder sweep would also write to her today: this test watches the outbox.
    alice.wants_reminders = False
    alice.save(update_fields=["wants_reminders"])
    # An unlock email left pending by an outage, its retry now due: only beat's sweep sends it.
    Email.objects.filter(pk=notice.email_id).update(
        state="pending", due_at=timezone.now() - dt.timedelta(minutes=1)
    )
    queue = tmp_path / "celery-queue"
    (queue / "control").mkdir(parents=True)

    start_celery_worker(
        beat=True,
        CELERY_BROKER_URL="filesystem://",
        CELERY_QUEUE_FOLDER=queue,
        EMAIL_URL=smtp_server.url,
    )

    # Beat's outbox sweep runs at the start of every minute.
    (message,) = smtp_server.wait_for(1, timeout=90)
    assert message["Subject"] == "Week 2 is open: Week 2 title"
    deadline = time.monotonic() + 10
    while Notice.objects.get(pk=notice.pk).email.state != "sent":
        assert time.monotonic() < deadline, "the email was delivered but not marked sent"
        time.sleep(0.1)
