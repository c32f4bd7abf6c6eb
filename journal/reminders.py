"""Practice reminders: one email on each of a client's practice days, at the time they chose on
their own clock (so DST moves nothing), naming the class to do next.

None on a day they already practised, while paused, once the program is over, or after they turn
reminders off. Exactly once per client and day: the sweep claims each enrollment's day
(`reminded_on`, rows locked and skipped by a concurrent sweep) and the outbox key is
"reminder:<enrollment>:<day>", whatever the number of workers or a worker killed mid-send.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lessons.models import Lesson, Program
from lib.emails import build_email
from outbox import kinds
from outbox import services as outbox
from programs.access import Viewer
from programs.models import Completion, Enrollment
from programs.progress import build_outline

from .models import Practice

EMAIL_KIND = "practice-reminder"
# A reminder is worth sending on its day only.
USEFUL_LIFE = dt.timedelta(hours=12)
BATCH_SIZE = 1000


def sweep(at: dt.datetime | None = None) -> int:
    """Queue the reminders due at `at`; returns how many. Safe to run often and concurrently."""
    at = at or timezone.now()
    program = Program.current(for_members=True)
    if program is None:
        return 0
    zones = _wanting(program).values_list("user__time_zone", flat=True).distinct().order_by()
    return sum(_sweep_zone(program, zone, at) for zone in zones)


def _wanting(program):
    return Enrollment.objects.with_access().filter(program=program, user__wants_reminders=True)


def _sweep_zone(program, zone_name: str, at: dt.datetime) -> int:
    local = at.astimezone(zoneinfo.ZoneInfo(zone_name))
    today, weekday = local.date(), local.weekday()
    queued = 0
    while True:
        with transaction.atomic():
            batch = list(
                _wanting(program)
                .with_schedule()
                .filter(user__time_zone=zone_name, practice_time__lte=local.time())
                .alias(today_bit=F("practice_days").bitand(1 << weekday))
                .filter(today_bit__gt=0)
                .exclude(reminded_on__gte=today)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:BATCH_SIZE]
            )
            if not batch:
                return queued
            # Bookkeeping no page shows: the plain manager leaves the clients' pages (and their
            # user rows, which enrolling locks before the enrollment) alone.
            Enrollment._base_manager.filter(pk__in=[e.pk for e in batch]).update(reminded_on=today)
            practised = _practised_today(batch, today, zone_name)
            due = [e for e in batch if _wants_one(e, program, at) and e.pk not in practised]
            outbox.queue_many(
                [
                    outbox.new_email(EMAIL_KIND, f"{EMAIL_KIND}:{e.pk}:{today}", to=e.user.email)
                    for e in due
                ]
            )
            queued += len(due)


def _wants_one(enrollment, program, at) -> bool:
    return enrollment.pause_at(at) is None and at < enrollment.finished_at(program.week_count)


def _practised_today(batch, today, zone_name) -> set[int]:
    """Enrollments whose client logged a practice or marked a class done on their `today`."""
    zone = zoneinfo.ZoneInfo(zone_name)
    since = dt.datetime.combine(today, dt.time(0), tzinfo=zone)
    users = {e.user_id: e.pk for e in batch}
    done = set(
        Practice.objects.filter(user__in=users, practised_at__gte=since).values_list(
            "user", flat=True
        )
    ) | set(
        Completion.objects.filter(user__in=users, completed_at__gte=since).values_list(
            "user", flat=True
        )
    )
    return {users[user] for user in done}


def build_reminder_email(email):
    """Written at send time, so it names the class to do next then, and says nothing if the
    client paused, practised or turned reminders off since the sweep."""
    _, enrollment_id, day = email.key.split(":")
    enrollment = Enrollment.objects.with_schedule().filter(pk=enrollment_id).first()
    if enrollment is None or not enrollment.has_access:
        raise kinds.Skip("Not sent: the client has no access now.")
    user = enrollment.user
    if not user.wants_reminders:
        raise kinds.Skip("Not sent: the client turned practice reminders off.")
    if enrollment.pause_at() is not None:
        raise kinds.Skip("Not sent: the client paused the program.")
    lesson = _next_class(enrollment)
    headers = {
        "List-Unsubscribe": f"<{user.reminder_unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    context = {
        "user": user,
        "program": enrollment.program,
        "lesson": lesson,
        "plan": enrollment.practice_plan,
        "class_url": settings.SITE_URL + (lesson.get_absolute_url() if lesson else "/program/"),
        "plan_url": settings.SITE_URL + "/program/pause/",
        "unsubscribe_url": user.reminder_unsubscribe_url,
    }
    return build_email(EMAIL_KIND, user.email, context, headers)


def _next_class(enrollment) -> Lesson | None:
    """The dashboard's own "Continue": the first open class not done, in program order."""
    row = build_outline(Viewer(enrollment.user, enrollment.program, enrollment)).continue_with
    return row.lesson if row else None
