"""Sending the outbox's emails: claim them, build them, send them, record what happened.

`deliver` and `send_emails` are idempotent, as acks_late needs: a second run of the same task
finds the emails claimed or finished and does nothing. A mail server that refuses or cannot be
reached is tried again later with a growing wait (the outbox sweep picks it up), until the
email's useful life is over.
"""

import datetime as dt
import itertools
import logging
import smtplib
from operator import attrgetter

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F, prefetch_related_objects
from django.utils import timezone

from . import kinds
from .models import Email

log = logging.getLogger(__name__)

# An email still "sending" this long after it was claimed lost its worker mid-send.
STALE_AFTER = dt.timedelta(minutes=30)


@shared_task
def send_email(email_id: int):
    """One email: what the queue held before emails went out in batches (a deploy may find
    such messages still queued)."""
    deliver(email_id)


@shared_task
def send_emails(email_ids: list[int]):
    """A batch over one SMTP connection: the sweep queues thousands at once. The batch's rows
    and what their builders read are loaded together; each email is claimed only as its turn
    comes, so a slow batch never holds emails it has not reached. A connection that breaks is
    opened again for the next email; the one that failed is retried later as usual."""
    emails = _pending(email_ids)
    connection = get_connection()
    try:
        for email in emails:
            if not _claim(email):
                continue
            _open(connection)
            if _send(email, connection) == Email.State.PENDING:
                connection.close()
    finally:
        connection.close()


def _pending(email_ids: list[int]) -> list[Email]:
    """The pending ones among `email_ids`, in order, with what their kinds' builders read
    (`Kind.prefetch`) loaded for all of them at once. A kind that cannot say (not registered
    here) or a failed read leaves its builders to read for themselves."""
    emails = list(Email.objects.filter(pk__in=email_ids, state=Email.State.PENDING))
    order = {email_id: index for index, email_id in enumerate(email_ids)}
    emails.sort(key=lambda email: order[email.pk])
    for kind, of_kind in itertools.groupby(
        sorted(emails, key=attrgetter("kind")), attrgetter("kind")
    ):
        try:
            prefetch_related_objects(list(of_kind), *kinds.get(kind).prefetch)
        except Exception:
            log.exception("Could not read ahead for outbox emails of kind %s", kind)
    return emails


def _open(connection) -> None:
    """Open the batch's connection if it is not; a server that cannot be reached fails the
    send itself, which records the attempt."""
    try:
        connection.open()
    except (smtplib.SMTPException, OSError):
        connection.close()


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after failed attempt number `attempts`: doubling from OUTBOX_RETRY_SECONDS up to
    OUTBOX_MAX_RETRY_SECONDS, so an outage of days is retried every few hours, not every minute."""
    seconds = settings.OUTBOX_RETRY_SECONDS * 2 ** min(attempts - 1, 20)
    return dt.timedelta(seconds=min(seconds, settings.OUTBOX_MAX_RETRY_SECONDS))


def deliver(email_id: int) -> str | None:
    """Send the email once. Returns the state it ended in, or None if another worker had it."""
    email = Email.objects.filter(pk=email_id, state=Email.State.PENDING).first()
    return _send(email) if email is not None and _claim(email) else None


def _claim(email: Email) -> bool:
    """Mark the email as being sent by this worker, if it is still as it was read: pending, on
    the same attempt. Another worker's claim, or a change since, leaves it to them."""
    now = timezone.now()
    claim = {"state": Email.State.SENDING, "updated_at": now, "due_at": now + STALE_AFTER}
    claimed = Email.objects.filter(
        pk=email.pk, state=Email.State.PENDING, attempts=email.attempts
    ).update(attempts=F("attempts") + 1, **claim)
    if claimed != 1:
        return False
    email.attempts += 1
    for field, value in claim.items():
        setattr(email, field, value)
    return True


def _send(email: Email, connection=None) -> str:
    """Build and send a claimed email, over `connection` if given (kept open for the next)."""
    if email.updated_at >= email.expires_at:
        error = f"Gave up: too late to send. {email.last_error}"
        return _finish(email, Email.State.FAILED, error=error)
    try:
        message = kinds.get(email.kind).message(email)
    except kinds.Skip as reason:
        return _finish(email, Email.State.SKIPPED, error=str(reason))
    except Exception as exc:
        # A bug in a builder is logged with its traceback and retried like an outage: fixing
        # the code lets the email go out; a bug that stays fails the email visibly.
        log.exception("Could not build outbox email %s (%s)", email.pk, email.kind)
        return _failed_attempt(email, f"Could not write the email: {type(exc).__name__}")
    if connection is not None:
        message.connection = connection
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        return _failed_attempt(email, f"{type(exc).__name__}: {exc}", to=_recipients(message))
    except Exception as exc:
        log.exception("Could not send outbox email %s (%s)", email.pk, email.kind)
        error = f"Could not send: {type(exc).__name__}"
        return _failed_attempt(email, error, to=_recipients(message))
    return _finish(email, Email.State.SENT, to=_recipients(message))


def _recipients(message) -> str:
    return ", ".join(message.to)[:254]


def _finish(email: Email, state: str, *, error: str | None = None, to: str | None = None) -> str:
    now = timezone.now()
    changes = {"state": state, "updated_at": now, "due_at": None, "payload": {}}
    if state == Email.State.SENT:
        changes["sent_at"] = now
    # An earlier attempt's error is kept unless there is a new one to say why.
    if error is not None:
        changes["last_error"] = error.strip()
    if to is not None:
        changes["to"] = to
    if _this_claim(email).update(**changes) != 1:
        log.warning("Outbox email %s was taken back by a sweep while it was being sent", email.pk)
    return state


def _this_claim(email: Email):
    """The row, if it is still this attempt's: after a sweep took it back from a worker that was
    too slow, a later attempt owns it and this one must not write over it."""
    return Email.objects.filter(pk=email.pk, state=Email.State.SENDING, attempts=email.attempts)


def _failed_attempt(email: Email, error: str, *, to: str | None = None) -> str:
    log.warning("Outbox email %s (%s), attempt %s: %s", email.pk, email.kind, email.attempts, error)
    now = timezone.now()
    retry_at = now + retry_delay(email.attempts)
    if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS or retry_at >= email.expires_at:
        error = f"Gave up after {email.attempts} tries: {error}"
        return _finish(email, Email.State.FAILED, error=error)
    changes = {} if to is None else {"to": to}
    _this_claim(email).update(
        state=Email.State.PENDING, last_error=error, updated_at=now, due_at=retry_at, **changes
    )
    return Email.State.PENDING
