"""Recording emails to send exactly once, and taking up the ones that are late.

Exactly once comes from the database, not from the queue: each email is a row under a unique key,
sent by a task that first claims it (see `delivery`). Queue messages may therefore be lost (the
sweep enqueues overdue rows again) or delivered twice (the second claim fails).
"""

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from . import kinds
from .delivery import send_emails
from .models import Email

# A new email's send task should have run by then; if not, the sweep enqueues it again.
ENQUEUE_GRACE = dt.timedelta(minutes=10)
SWEEP_BATCH_SIZE = 1000
# Emails per task message: sent one after another over one SMTP connection.
SEND_BATCH_SIZE = 50


def _new_fields(kind: str, at: dt.datetime | None = None, **fields) -> dict:
    at = at or timezone.now()
    return {
        "kind": kind,
        "created_at": at,
        "updated_at": at,
        "due_at": at + ENQUEUE_GRACE,
        "expires_at": at + kinds.get(kind).useful_life,
        **fields,
    }


def new_email(kind: str, key: str, **fields) -> Email:
    """An unsaved email of a registered kind, for `queue_many`."""
    return Email(key=key, **_new_fields(kind, **fields))


@transaction.atomic
def queue(kind: str, key: str, **fields) -> Email:
    """Record the email for `key` and send it once the transaction commits. A key queued before
    keeps its email: this is what makes an email go out once however often it is asked for."""
    email, created = Email.objects.get_or_create(key=key, defaults=_new_fields(kind, **fields))
    if created:
        enqueue_on_commit([email.pk])
    return email


def queue_message(kind: str, message) -> Email:
    """Queue a message already written (allauth's account emails): it is kept until it is sent."""
    payload = {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
        "alternatives": [list(part) for part in getattr(message, "alternatives", [])],
    }
    return queue(kind, f"{kind}:{uuid.uuid4()}", to=", ".join(message.to), payload=payload)


def queue_many(emails: list[Email]) -> list[Email]:
    """Insert new emails in one query (their keys must be new) and send them after commit."""
    created = Email.objects.bulk_create(emails)
    enqueue_on_commit([email.pk for email in created])
    return created


def enqueue_on_commit(email_ids: list[int]) -> None:
    # robust: with the broker down the rows stay pending and the sweep enqueues them later.
    if email_ids:
        transaction.on_commit(lambda: _enqueue(email_ids), robust=True)


def _enqueue(email_ids: list[int]) -> None:
    """One message per SEND_BATCH_SIZE emails (a worker sends each batch over one SMTP
    connection), over one broker connection: a sweep of 10,000 is 200 publishes, not 10,000."""
    with send_emails.app.producer_or_acquire() as producer:
        for start in range(0, len(email_ids), SEND_BATCH_SIZE):
            batch = email_ids[start : start + SEND_BATCH_SIZE]
            send_emails.apply_async((batch,), producer=producer)


def sweep(at: dt.datetime | None = None, *, batch_size=SWEEP_BATCH_SIZE) -> int:
    """Enqueue again every overdue email, and give up those whose useful life is over.

    Rows are locked with SKIP LOCKED, so sweeps running at once (two beats) share the work
    instead of sending an email twice. Returns how many emails were enqueued.
    """
    at = at or timezone.now()
    enqueued = 0
    while True:
        with transaction.atomic():
            rows = list(
                Email.objects.overdue(at)
                .order_by("due_at")
                .select_for_update(skip_locked=True)
                .values_list("pk", "expires_at")[:batch_size]
            )
            late = [pk for pk, expires_at in rows if expires_at <= at]
            retry = [pk for pk, expires_at in rows if expires_at > at]
            Email.objects.filter(pk__in=late).update(
                state=Email.State.FAILED,
                last_error=Concat(Value("Gave up: too late to send. "), F("last_error")),
                payload={},
                updated_at=at,
                due_at=None,
            )
            Email.objects.filter(pk__in=retry).update(
                state=Email.State.PENDING, updated_at=at, due_at=at + ENQUEUE_GRACE
            )
            enqueue_on_commit(retry)
        enqueued += len(retry)
        if len(rows) < batch_size:
            return enqueued


@transaction.atomic
def retry(emails) -> int:
    """Send failed emails again with a fresh set of attempts and useful life (the admin's action).

    Emails written in advance (account emails) have nothing left to send once given up."""
    now = timezone.now()
    ids = []
    for email in emails.filter(state=Email.State.FAILED).exclude(kind__in=kinds.written_ahead()):
        Email.objects.filter(pk=email.pk).update(
            state=Email.State.PENDING,
            attempts=0,
            updated_at=now,
            due_at=now + ENQUEUE_GRACE,
            expires_at=now + kinds.get(email.kind).useful_life,
        )
        ids.append(email.pk)
    enqueue_on_commit(ids)
    return len(ids)
