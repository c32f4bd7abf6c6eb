"""Unlock emails end to end: a real `celery worker` on the real Redis, sending to a real SMTP
server on 127.0.0.1. The sweep runs in the test process, as beat would run it."""

import datetime as dt
import time

import pytest
import time_machine
from django.utils import timezone

from outbox import services as outbox
from outbox.delivery import STALE_AFTER
from programs import notices
from programs.models import Notice
from tests.factories import UserFactory, enroll_days_ago
from tests.workers import kill_with_children, run_at_once, wait_until_all_sent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def due_clients(program, told_through):
    """`due_clients(n)`: n clients on day 11 who were told about week 1, so week 2 is due."""

    def make(count):
        emails = []
        for n in range(count):
            user = UserFactory(email=f"due{n}@example.com")
            told_through(enroll_days_ago(user, program, 10), 1)
            emails.append(user.email)
        return emails

    return make


def _recipients(smtp_server) -> list[str]:
    return sorted(address for rcpt_tos, _ in smtp_server.messages for address in rcpt_tos)


def test_a_real_worker_delivers_the_week_email_with_both_parts_and_unsubscribe_headers(
    alice, bob, carol, told_through, start_celery_worker, smtp_server
):
    for client in (alice, bob, carol):
        told_through(client.enrollments.get(), 1)
    start_celery_worker(EMAIL_URL=smtp_server.url)

    notices.sweep()
    (message,) = smtp_server.wait_for(1)
    wait_until_all_sent()

    assert smtp_server.messages[0][0] == ["alice@example.com"]
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "Week 2 is open: Week 2 title"
    # A long header is folded onto a second line; unfolding leaves the leading space.
    assert message["List-Unsubscribe"].strip() == f"<{alice.unsubscribe_url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Week 2 of 8 in Heal Your Hips is open" in text
    assert 'href="http://127.0.0.1:8000/program/week/2/"' in html
    assert Notice.objects.get(week=2).email.sent_at is not None


def test_a_sweeps_emails_go_out_over_one_smtp_connection_per_batch(
    due_clients, start_celery_worker, smtp_server
):
    expected = due_clients(60)  # two batches of up to 50
    start_celery_worker(EMAIL_URL=smtp_server.url)

    notices.sweep()
    smtp_server.wait_for(60)
    wait_until_all_sent()

    assert _recipients(smtp_server) == sorted(expected)
    assert len(set(smtp_server.connections)) == 2


def test_a_refused_email_in_a_batch_is_retried_and_the_batch_goes_on(
    due_clients, start_celery_worker, smtp_server
):
    expected = due_clients(5)
    smtp_server.refuse = 1
    start_celery_worker(EMAIL_URL=smtp_server.url)

    notices.sweep()
    smtp_server.wait_for(4)
    time.sleep(1)
    assert len(smtp_server.messages) == 4
    # The refused one waits for its retry; the sweep sends it once it is due.
    with time_machine.travel(dt.timedelta(minutes=2)):
        outbox.sweep()
    smtp_server.wait_for(5)
    wait_until_all_sent()

    assert _recipients(smtp_server) == sorted(expected)


def test_the_sweep_run_twice_and_two_sweeps_at_once_send_each_email_once(
    due_clients, start_celery_worker, smtp_server
):
    expected = due_clients(20)
    start_celery_worker(EMAIL_URL=smtp_server.url)
    run_at_once(lambda: notices.sweep(batch_size=3), 2)
    notices.sweep()
    smtp_server.wait_for(20)
    wait_until_all_sent()
    time.sleep(1)  # room for a duplicate to arrive

    assert _recipients(smtp_server) == sorted(expected)
    assert Notice.objects.filter(week=2).count() == 20


def test_a_worker_killed_mid_batch_then_restarted_delivers_every_email_exactly_once(
    due_clients, start_celery_worker, smtp_server
):
    expected = due_clients(8)
    smtp_server.delay = 0.4
    worker = start_celery_worker(EMAIL_URL=smtp_server.url)

    notices.sweep()
    # Kill while the fourth email is with the SMTP server, unanswered: the third is marked sent.
    smtp_server.wait_for_arrival(4)
    kill_with_children(worker)
    assert len(smtp_server.messages) == 3

    # The killed worker's messages stay unacked in Redis for the visibility timeout, and the
    # email it was sending stays "sending": the first outbox sweep after STALE_AFTER enqueues
    # them again.
    with time_machine.travel(timezone.now() + STALE_AFTER + dt.timedelta(minutes=1)):
        outbox.sweep()
    smtp_server.delay = 0
    start_celery_worker(EMAIL_URL=smtp_server.url)
    smtp_server.wait_for(8)
    wait_until_all_sent()
    time.sleep(1)  # room for a duplicate to arrive

    assert _recipients(smtp_server) == sorted(expected)


def test_an_smtp_server_refusing_mail_then_coming_back_gets_the_email_after_retries(
    due_clients, start_celery_worker, smtp_server
):
    due_clients(1)
    smtp_server.refuse = 2
    start_celery_worker(EMAIL_URL=smtp_server.url)

    notices.sweep()
    email = Notice.objects.get(week=2).email
    for attempt in (1, 2):
        smtp_server.wait_for_arrival(attempt)
        _wait_for_state(email, "pending", attempts=attempt)
        # Beat's outbox sweep, once the retry's wait is over.
        outbox.sweep(email.due_at)
    (message,) = smtp_server.wait_for(1)
    wait_until_all_sent()

    assert message["Subject"] == "Week 2 is open: Week 2 title"
    email.refresh_from_db()
    assert email.attempts == 3
    assert "451" in email.last_error


def _wait_for_state(email, state, attempts, timeout=30):
    deadline = time.monotonic() + timeout
    while (email.state, email.attempts) != (state, attempts):
        assert time.monotonic() < deadline, (email.state, email.attempts)
        time.sleep(0.05)
        email.refresh_from_db()
