"""Unlock emails: which email each enrolment is owed, the sweep that records it, and sending one.

Exactly once comes from the database, not from the queue. The sweep inserts one `Notice` row per
(enrolment, week) under a unique constraint and enqueues the rows it inserted; the send task claims
its row with a conditional update before it talks to SMTP. Queue messages may therefore be lost
(the next sweep enqueues stale notices again) or delivered twice (the second claim fails).
"""

import datetime as dt
import logging
import smtplib
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson
from lib.emails import build_email

from . import tasks
from .models import Enrollment, Notice, Program

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
# Local dates run at most this far ahead of UTC (Pacific/Kiritimati), which bounds the prefilter.
MAX_UTC_OFFSET = dt.timedelta(hours=14)
# A notice still pending or sending this long after its last change lost its task or its worker.
# Longer than the longest retry backoff, so a notice waiting for its retry is left alone.
STALE_AFTER = dt.timedelta(minutes=30)

TEMPLATES = {
    Notice.Kind.WELCOME: "welcome",
    Notice.Kind.WEEK: "week-open",
    Notice.Kind.SUMMARY: "summary",
    Notice.Kind.COMPLETE: "program-complete",
}


class WeekMissing(Exception):
    """The notice announces a week the program does not have: deleted, or a gap in the numbers."""


class Due(NamedTuple):
    enrollment_id: int
    email: str
    week: int
    kind: str


def due_notice(enrollment: Enrollment, told: int, last_week: int, at: dt.datetime):
    """The one email `enrollment` is owed at `at`, having been told about weeks 1..`told`.

    `last_week` is the highest week number of the program, not the number of weeks: numbers may
    have gaps (a week deleted), and the program is only complete after its last week. A number
    in a gap gets its notice too (sent as skipped, see `deliver`), which records how far the
    client has been told.

    The decision is the unlock rule itself (`open_week_limit`). A jump of more than one week (start
    date moved back, "unlock all", access restored after a pause) is one summary, never a burst of
    old weeks. The program is complete one interval after its last week opens; after "unlock all"
    that is still the calendar date, so the congratulations do not follow the summary at once.
    """
    limit = enrollment.open_week_limit(at)
    finished = limit > last_week and (
        not enrollment.unlocked_all or at >= enrollment.week_opens_at(last_week + 1)
    )
    target = last_week + 1 if finished else min(limit, last_week)
    if target <= told:
        return None
    if target > told + 1:
        kind = Notice.Kind.SUMMARY
    elif target == 1:
        kind = Notice.Kind.WELCOME
    elif target == last_week + 1:
        kind = Notice.Kind.COMPLETE
    else:
        kind = Notice.Kind.WEEK
    return Due(enrollment.pk, enrollment.user.email, target, kind)


def _last_week_opened_by(program: Program, last_week: int, at: dt.datetime) -> Case:
    """The last week (last_week + 1: the program complete) that can have opened by `at` for a
    given start date: a coarse SQL bound, as if every client lived at UTC+14 and weeks opened at
    midnight. It only keeps the sweep from reading every enrolment; `due_notice` decides.
    """
    latest_local_date = (at + MAX_UTC_OFFSET).date()
    interval = dt.timedelta(days=program.unlock_interval_days)
    return Case(
        *[
            When(starts_on__gt=latest_local_date - interval * week, then=Value(week))
            for week in range(last_week + 1)
        ],
        default=Value(last_week + 1),
    )


def _candidates(program: Program, last_week: int, at: dt.datetime):
    last_told = Notice.objects.filter(enrollment=OuterRef("pk")).order_by("-week").values("week")
    return (
        Enrollment.objects.with_access()
        .filter(program=program, user__wants_program_emails=True)
        .annotate(told=Coalesce(Subquery(last_told[:1]), 0))
        .filter(
            Q(told__lt=_last_week_opened_by(program, last_week, at))
            | Q(unlocked_all=True, told__lte=last_week)
        )
        .select_related("user", "program")
        .order_by("pk")
    )


def sweep(at: dt.datetime | None = None, *, dry_run=False, batch_size=BATCH_SIZE) -> list[Due]:
    """Record and enqueue every email owed at `at`; return what was (or would be) sent.

    Each batch is one transaction of three queries: lock the program row, read a batch of
    candidates, insert their notices. The lock makes concurrent sweeps take turns batch by batch,
    and each batch reads after taking it, so a second sweep sees the first one's notices.
    """
    at = at or timezone.now()
    if not dry_run:
        requeue_stale(at)
    recorded = []
    programs = Program.objects.annotate(last_week=Coalesce(Max("weeks__number"), 0))
    for program in programs.order_by("pk"):
        after_pk = 0
        while after_pk is not None:
            with transaction.atomic():
                if not dry_run:
                    Program.objects.select_for_update().get(pk=program.pk)
                candidates = _candidates(program, program.last_week, at)
                batch = list(candidates.filter(pk__gt=after_pk)[:batch_size])
                after_pk = batch[-1].pk if len(batch) == batch_size else None
                due = [
                    notice
                    for enrollment in batch
                    if (notice := due_notice(enrollment, enrollment.told, program.last_week, at))
                ]
                if not dry_run:
                    _record(due, at)
            recorded += due
    return recorded


def _record(due: list[Due], at: dt.datetime) -> None:
    notices = Notice.objects.bulk_create(
        Notice(enrollment_id=enrollment_id, week=week, kind=kind, created_at=at, updated_at=at)
        for enrollment_id, _, week, kind in due
    )
    _enqueue_on_commit([notice.pk for notice in notices])


def _enqueue_on_commit(notice_ids: list[int]) -> None:
    # robust: if the broker is down the rows stay pending and the next sweep enqueues them again.
    if notice_ids:
        transaction.on_commit(lambda: _enqueue(notice_ids), robust=True)


def _enqueue(notice_ids: list[int]) -> None:
    # One broker connection for the batch, not a pool checkout per message.
    with tasks.send_notice.app.producer_or_acquire() as producer:
        for notice_id in notice_ids:
            tasks.send_notice.apply_async((notice_id,), producer=producer)


@transaction.atomic
def welcome(enrollment: Enrollment) -> Notice:
    """Record the welcome for a new enrolment; it is sent once the enrolment commits.

    It tells about every week already open (a start date in the past), so the sweep does not
    follow it with a summary.
    """
    last_week = enrollment.program.weeks.aggregate(last=Max("number"))["last"] or 0
    notice = Notice.objects.create(
        enrollment=enrollment,
        week=max(1, min(enrollment.open_week_limit(), last_week)),
        kind=Notice.Kind.WELCOME,
    )
    _enqueue_on_commit([notice.pk])
    return notice


def requeue_stale(at: dt.datetime) -> int:
    """Enqueue again the notices whose task was lost or whose worker died mid-send.

    A notice left "sending" may already be in the recipient's inbox (the worker died between the
    SMTP server's reply and marking it sent): the one window where a client can get an email twice.
    """
    stale = Notice.objects.stale(at - STALE_AFTER)
    if not stale.exists():
        return 0
    with transaction.atomic():
        rows = list(stale.select_for_update(skip_locked=True).values_list("pk", "attempts"))
        retry = [pk for pk, attempts in rows if attempts < settings.UNLOCK_EMAIL_MAX_ATTEMPTS]
        spent = [pk for pk, attempts in rows if attempts >= settings.UNLOCK_EMAIL_MAX_ATTEMPTS]
        Notice.objects.filter(pk__in=retry).update(state=Notice.State.PENDING, updated_at=at)
        Notice.objects.filter(pk__in=spent).update(
            state=Notice.State.FAILED,
            last_error="The worker stopped while sending it, too many times.",
            updated_at=at,
        )
        _enqueue_on_commit(retry)
    return len(retry)


@transaction.atomic
def retry(notices) -> int:
    """Send failed notices again from a fresh set of attempts (the admin's "retry" action)."""
    ids = list(notices.filter(state=Notice.State.FAILED).values_list("pk", flat=True))
    Notice.objects.filter(pk__in=ids).update(
        state=Notice.State.PENDING, attempts=0, updated_at=timezone.now()
    )
    _enqueue_on_commit(ids)
    return len(ids)


def retry_delay(attempts: int) -> int:
    """Seconds before attempt `attempts` + 1: doubling from UNLOCK_EMAIL_RETRY_SECONDS."""
    return settings.UNLOCK_EMAIL_RETRY_SECONDS * 2 ** (attempts - 1)


def deliver(notice_id: int) -> int | None:
    """Send one notice if it is still pending. Returns seconds to wait before retrying, or None.

    Idempotent, as acks_late needs: a second delivery of the same task finds the notice claimed
    or finished and does nothing.
    """
    claimed = Notice.objects.filter(pk=notice_id, state=Notice.State.PENDING).update(
        state=Notice.State.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    if claimed != 1:
        return None
    notice = Notice.objects.select_related("enrollment__user", "enrollment__program").get(
        pk=notice_id
    )
    if not notice.should_send:
        _finish(notice, Notice.State.SKIPPED)
        return None
    try:
        message = build_notice_email(notice)
    except WeekMissing as exc:
        # Nothing to announce, and trying again would not change that. The row still records
        # that the client was told this far, so the sweep moves on to the next week.
        _finish(notice, Notice.State.SKIPPED, error=str(exc))
        return None
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        return _failed_attempt(notice, f"{type(exc).__name__}: {exc}")
    _finish(notice, Notice.State.SENT)
    return None


def _finish(notice: Notice, state: str, *, error: str | None = None) -> None:
    now = timezone.now()
    # An earlier attempt's error is kept unless there is a new one to say why.
    changes = {} if error is None else {"last_error": error}
    finished = Notice.objects.filter(pk=notice.pk, state=Notice.State.SENDING).update(
        state=state, sent_at=now if state == Notice.State.SENT else None, updated_at=now, **changes
    )
    if finished != 1:
        log.warning("Notice %s was taken back by a sweep while it was being sent", notice.pk)


def _failed_attempt(notice: Notice, error: str) -> int | None:
    last = notice.attempts >= settings.UNLOCK_EMAIL_MAX_ATTEMPTS
    Notice.objects.filter(pk=notice.pk, state=Notice.State.SENDING).update(
        state=Notice.State.FAILED if last else Notice.State.PENDING,
        last_error=error,
        updated_at=timezone.now(),
    )
    log.warning("Notice %s, attempt %s: %s", notice.pk, notice.attempts, error)
    return None if last else retry_delay(notice.attempts)


def build_notice_email(notice: Notice):
    """The notice's email. Weeks are found by number, which may have gaps: raises `WeekMissing`
    for a week-open notice whose week is not there."""
    enrollment = notice.enrollment
    user, program = enrollment.user, enrollment.program
    weeks = list(program.weeks.order_by("number"))
    open_weeks = [week for week in weeks if week.number <= notice.week]
    bonus = list(Lesson.objects.filter(program=program, week__isnull=True).order_by("position"))
    context = {
        "notice": notice,
        "user": user,
        "program": program,
        "zone": user.time_zone,
        "bonus_lessons": bonus,
        "dashboard_url": settings.SITE_URL + reverse("programs:dashboard"),
        "preferences_url": settings.SITE_URL + reverse("accounts:email_preferences"),
        "unsubscribe_url": user.unsubscribe_url,
    }
    if notice.kind == Notice.Kind.WELCOME:
        context["week_one_opens"] = enrollment.week_opens_at(1)
        context["first_week"] = weeks[0] if weeks else None
        context["open_weeks"] = open_weeks
    elif notice.kind == Notice.Kind.WEEK:
        week = next((week for week in weeks if week.number == notice.week), None)
        if week is None:
            raise WeekMissing(
                f"Not sent: {program} has no week {notice.week} (deleted, or a gap in the week "
                "numbers), so there is no week to announce."
            )
        context["week"] = week
        context["lessons"] = week.lessons.order_by("position", "id")
    elif notice.kind == Notice.Kind.SUMMARY:
        context["open_weeks"] = open_weeks
        context["is_complete"] = notice.week > max((week.number for week in weeks), default=0)
    headers = {
        "List-Unsubscribe": f"<{user.unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return build_email(TEMPLATES[notice.kind], user.email, context, headers)
