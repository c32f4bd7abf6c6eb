"""Unlock emails: which email each enrollment is owed, the sweep that records it, and writing it.

Each email owed is one `Notice` row per (enrollment, week), under a unique constraint, with its
email in the outbox, which sends it exactly once (see `outbox.services`). The email is written at
send time (`build_unlock_email`), so it says what is true when it goes out.
"""

import datetime as dt
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Max, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from lessons.catalog import catalog
from lessons.models import Program, Status
from lib.emails import build_email
from outbox import services as outbox
from outbox.kinds import Skip

from .models import Enrollment, Notice

BATCH_SIZE = 1000
# Local dates run at most this far ahead of UTC (Pacific/Kiritimati), which bounds the prefilter.
MAX_UTC_OFFSET = dt.timedelta(hours=14)
# The outbox's name for unlock emails, and how long one is worth sending: a week's email that
# a mail outage held up for days is still welcome, but not once the next week has opened.
EMAIL_KIND = "unlock"
USEFUL_LIFE = dt.timedelta(days=4)

TEMPLATES = {
    Notice.Kind.WELCOME: "welcome",
    Notice.Kind.WEEK: "week-open",
    Notice.Kind.SUMMARY: "summary",
    Notice.Kind.COMPLETE: "program-complete",
}


class Due(NamedTuple):
    enrollment_id: int
    email: str
    week: int
    kind: str


def due_notice(
    enrollment: Enrollment,
    told: int,
    last_week: int,
    at: dt.datetime,
    first_draft: int | None = None,
):
    """The one email `enrollment` is owed at `at`, having been told about weeks 1..`told`.

    `last_week` is the highest week number of the program, not the number of weeks: numbers may
    have gaps (a week deleted), and the program is only complete after its last week. A number
    in a gap gets its notice too (sent as skipped, see `deliver`), which records how far the
    client has been told.

    The decision is the unlock rule itself (`open_week_limit`). A jump of more than one week (start
    date moved back, "unlock all", access restored after a pause) is one summary, never a burst of
    old weeks. The program is complete one interval after its last week opens; after "unlock all"
    that is still the calendar date, so the congratulations do not follow the summary at once.

    Nothing is announced from `first_draft` on (a week the instructor is still writing): once she
    publishes it, the next sweep tells the client, and only then can the program be complete.
    """
    ready = last_week if first_draft is None else min(first_draft - 1, last_week)
    limit = enrollment.open_week_limit(at)
    finished = (
        ready == last_week
        and limit > last_week
        and (not enrollment.unlocked_all or at >= enrollment.week_opens_at(last_week + 1))
    )
    target = last_week + 1 if finished else min(limit, ready)
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


def _week_bounds(prefix: str = "") -> dict:
    """`last_week`, the highest week that is not archived, and `first_draft`, the lowest week
    still a draft (None without drafts): what `due_notice` needs of a program's weeks."""
    return {
        "last_week": Coalesce(
            Max(f"{prefix}number", filter=~Q(**{f"{prefix}status": Status.ARCHIVED})), 0
        ),
        "first_draft": Min(f"{prefix}number", filter=Q(**{f"{prefix}status": Status.DRAFT})),
    }


def _last_week_opened_by(program: Program, last_week: int, at: dt.datetime) -> Case:
    """The last week (last_week + 1: the program complete) that can have opened by `at` for a
    given start date: a coarse SQL bound, as if every client lived at UTC+14 and weeks opened at
    midnight. It only keeps the sweep from reading every enrollment; `due_notice` decides.
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
        .with_schedule()
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

    Each batch is one transaction of four queries: lock the program row, read a batch of
    candidates, insert their emails, then their notices. The lock makes concurrent sweeps take
    turns batch by batch, and each batch reads after taking it, so a second sweep sees the first
    one's notices.
    """
    at = at or timezone.now()
    recorded = []
    programs = Program.objects.annotate(**_week_bounds("weeks__"))
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
                    if (
                        notice := due_notice(
                            enrollment, enrollment.told, program.last_week, at, program.first_draft
                        )
                    )
                ]
                if not dry_run:
                    _record(due, at)
            recorded += due
    return recorded


def _record(due: list[Due], at: dt.datetime) -> None:
    emails = outbox.queue_many(
        [
            outbox.new_email(EMAIL_KIND, _email_key(enrollment_id, week), at=at)
            for enrollment_id, _, week, _ in due
        ]
    )
    Notice.objects.bulk_create(
        Notice(enrollment_id=enrollment_id, week=week, kind=kind, created_at=at, email=email)
        for (enrollment_id, _, week, kind), email in zip(due, emails, strict=True)
    )


def _email_key(enrollment_id: int, week: int) -> str:
    return f"{EMAIL_KIND}:{enrollment_id}:{week}"


@transaction.atomic
def welcome(enrollment: Enrollment) -> Notice:
    """Record the welcome for a new enrollment; it is sent once the enrollment commits.

    It tells about every week already open (a start date in the past), so the sweep does not
    follow it with a summary.
    """
    bounds = enrollment.program.weeks.aggregate(**_week_bounds())
    ready = bounds["last_week"] if bounds["first_draft"] is None else bounds["first_draft"] - 1
    week = max(1, min(enrollment.open_week_limit(), bounds["last_week"], ready))
    return Notice.objects.create(
        enrollment=enrollment,
        week=week,
        kind=Notice.Kind.WELCOME,
        email=outbox.queue(EMAIL_KIND, _email_key(enrollment.pk, week)),
    )


def build_unlock_email(email):
    """The outbox's builder for unlock emails: checks again that the client still wants it."""
    try:
        notice = email.notice
    except Notice.DoesNotExist:
        raise Skip("Not sent: the enrollment this email was for was deleted.") from None
    if not notice.should_send:
        raise Skip("Not sent: the client has no access now, or turned program emails off.")
    return build_notice_email(notice)


def build_notice_email(notice: Notice):
    """The notice's email. Weeks are found by number, which may have gaps: a week-open notice
    whose week is not there is skipped. Its row still records that the client was told this
    far, so the sweep moves on to the next week."""
    enrollment = notice.enrollment
    user, program = enrollment.user, enrollment.program
    # The same for every client: kept per content version, not read per email.
    content = catalog(program)
    open_weeks = [week for week in content.weeks if week.number <= notice.week]
    context = {
        "notice": notice,
        "user": user,
        "program": program,
        "zone": user.time_zone,
        "bonus_lessons": content.bonus,
        "dashboard_url": settings.SITE_URL + reverse("programs:dashboard"),
        "preferences_url": settings.SITE_URL + reverse("accounts:email_preferences"),
        "unsubscribe_url": user.unsubscribe_url,
    }
    if notice.kind == Notice.Kind.WELCOME:
        context["week_one_opens"] = enrollment.week_opens_at(1)
        context["first_week"] = content.weeks[0] if content.weeks else None
        context["open_weeks"] = open_weeks
    elif notice.kind == Notice.Kind.WEEK:
        week = content.week(notice.week)
        if week is None:
            raise Skip(
                f"Not sent: {program} has no week {notice.week} (deleted, or a gap in the week "
                "numbers), so there is no week to announce."
            )
        context["week"] = week
        context["lessons"] = week.classes
    elif notice.kind == Notice.Kind.SUMMARY:
        context["open_weeks"] = open_weeks
        context["is_complete"] = notice.week > max(
            (week.number for week in content.weeks), default=0
        )
    headers = {
        "List-Unsubscribe": f"<{user.unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return build_email(TEMPLATES[notice.kind], user.email, context, headers)
