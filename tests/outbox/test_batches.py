"""A batch of emails shares its reads and its SMTP connection, never its fate: each email is
claimed only when its turn comes, and one that cannot be written holds up no other."""

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from accounts.emails import OTHER
from outbox import delivery, services
from outbox.models import Email

pytestmark = pytest.mark.django_db


def _queued(count):
    return [
        services.queue_message(
            OTHER, EmailMessage(f"Note {n}", "Body", "site@example.com", [f"u{n}@example.com"])
        ).pk
        for n in range(count)
    ]


def test_a_batch_slower_than_the_claim_sends_each_email_once(monkeypatch):
    """The mail server stalls on the first email past the claim's 30 minutes; meanwhile the
    sweep hands the others to another worker. The slow batch must not send them again."""
    ids = _queued(3)
    send = delivery._send

    def stalling_send(email, connection=None):
        if email.pk == ids[0]:
            clock.shift(delivery.STALE_AFTER + dt.timedelta(minutes=1))
            services.sweep()
            for other in ids[1:]:
                delivery.deliver(other)
        return send(email, connection)

    monkeypatch.setattr(delivery, "_send", stalling_send)
    with time_machine.travel(timezone.now(), tick=True) as clock:
        delivery.send_emails.run(ids)

    assert Counter(message.to[0] for message in mail.outbox) == {
        "u0@example.com": 1,
        "u1@example.com": 1,
        "u2@example.com": 1,
    }


def test_a_batch_redelivered_after_its_worker_died_sends_what_it_had_not_reached(monkeypatch):
    ids = _queued(3)

    def killed(email, connection=None):
        raise SystemExit("worker killed")

    monkeypatch.setattr(delivery, "_send", killed)
    with pytest.raises(SystemExit):
        delivery.send_emails.run(ids)
    monkeypatch.undo()
    delivery.send_emails.run(ids)  # acks_late: the task comes back at once

    states = list(Email.objects.filter(pk__in=ids).order_by("pk").values_list("state", flat=True))
    # Only the email being sent when the worker died waits for the sweep (30 minutes).
    assert states == ["sending", "sent", "sent"]
    assert sorted(message.to[0] for message in mail.outbox) == ["u1@example.com", "u2@example.com"]


def test_an_email_of_an_unknown_kind_holds_up_no_other_in_its_batch():
    """A kind from a newer release, met by an older worker during a deploy."""
    newer, known = _queued(2)
    Email.objects.filter(pk=newer).update(kind="kind-of-a-newer-release")

    delivery.send_emails.run([newer, known])

    assert Email.objects.get(pk=known).state == Email.State.SENT
    newer_email = Email.objects.get(pk=newer)
    assert newer_email.state == Email.State.PENDING
    assert "Could not write the email" in newer_email.last_error
