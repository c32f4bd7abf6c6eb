"""State changes to enrollments. Each is one transaction; views, admin and billing call these."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import notices
from .models import Enrollment, Pause, Program


@transaction.atomic
def enroll(user, program: Program, *, source=Enrollment.Source.PURCHASE, starts_on=None):
    """Give `user` access to `program`, starting today in their time zone.

    Idempotent: a user who already has a current enrollment keeps it (a suspended one is
    restored). Rows are locked, so two concurrent calls still leave exactly one enrollment.
    A new enrollment gets the welcome email once the transaction commits.
    """
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("user", "program")
        .current()
        .filter(user=user, program=program)
        .first()
    )
    if enrollment is None:
        enrollment = Enrollment.objects.create(
            user=user,
            program=program,
            source=source,
            starts_on=starts_on or timezone.now().astimezone(user.zone).date(),
        )
        notices.welcome(enrollment)
        return enrollment, True
    if enrollment.status == Enrollment.Status.SUSPENDED:
        enrollment.status = Enrollment.Status.ACTIVE
        enrollment.save(update_fields=["status"])
    return enrollment, False


@transaction.atomic
def end_access(enrollment: Enrollment, status: str) -> Enrollment:
    """Revoke (refund, instructor's decision) or suspend (dispute) an enrollment."""
    if status not in (Enrollment.Status.REVOKED, Enrollment.Status.SUSPENDED):
        raise ValueError(f"end_access cannot set status {status!r}")
    Enrollment.objects.filter(pk=enrollment.pk).update(status=status, ended_at=timezone.now())
    enrollment.refresh_from_db()
    return enrollment


@transaction.atomic
def restore_access(enrollment: Enrollment) -> Enrollment:
    """Reopen a suspended or revoked enrollment unless the client already has a current one."""
    has_other = (
        Enrollment.objects.current()
        .filter(user_id=enrollment.user_id, program_id=enrollment.program_id)
        .exclude(pk=enrollment.pk)
        .exists()
    )
    if not has_other:
        Enrollment.objects.filter(pk=enrollment.pk).update(
            status=Enrollment.Status.ACTIVE, ended_at=None
        )
        enrollment.refresh_from_db()
    return enrollment


def unlock_everything(enrollment: Enrollment) -> Enrollment:
    Enrollment.objects.filter(pk=enrollment.pk).update(unlocked_all=True)
    enrollment.refresh_from_db()
    return enrollment


class ScheduleRefused(Exception):
    """A pause or a repeated week the rules do not allow; the message says why, for the client."""


def _locked_schedule(enrollment: Enrollment) -> Enrollment:
    """The enrollment row locked, with fresh pauses: two quick clicks make one pause."""
    locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    locked.user = enrollment.user
    locked.program = enrollment.program
    return locked


def _check_no_overlap(enrollment: Enrollment, starts_on, days: int) -> None:
    ends_on = starts_on + dt.timedelta(days=days)
    for pause in enrollment.schedule_pauses:
        if starts_on < pause.ends_on and pause.starts_on < ends_on:
            what = "pause" if pause.kind == Pause.Kind.PAUSE else "repeated week"
            raise ScheduleRefused(
                f"This overlaps your {what} from {_day(pause.starts_on)} to "
                f"{_day(pause.last_day)}. Choose other days."
            )


def _day(day) -> str:
    return f"{day:%B} {day.day}"


def client_pauses_left(enrollment: Enrollment) -> int:
    """Pauses the client may still take: theirs that lasted at least a day count."""
    used = sum(
        p.kind == Pause.Kind.PAUSE and p.created_by_id == enrollment.user_id and p.length > 0
        for p in enrollment.schedule_pauses
    )
    return max(Pause.CLIENT_MAX_PAUSES - used, 0)


@transaction.atomic
def pause(enrollment: Enrollment, *, starts_on, days: int, reason="", by=None) -> Pause:
    """Pause the program: weeks not yet open open `days` later. Clients may pause twice, for
    1 to 28 days, from today on; the instructor (staff) any length, any day."""
    enrollment = _locked_schedule(enrollment)
    by_client = by is not None and not by.is_staff
    if by_client:
        today = timezone.now().astimezone(enrollment.zone).date()
        if not 1 <= days <= Pause.CLIENT_MAX_DAYS:
            raise ScheduleRefused(f"A pause is 1 to {Pause.CLIENT_MAX_DAYS} days.")
        if starts_on < today:
            raise ScheduleRefused("A pause starts today or later.")
        if not client_pauses_left(enrollment):
            raise ScheduleRefused(
                f"You have used your {Pause.CLIENT_MAX_PAUSES} pauses. Ask the instructor if you "
                "need another."
            )
    _check_no_overlap(enrollment, starts_on, days)
    return Pause.objects.create(
        enrollment=enrollment, starts_on=starts_on, days=days, reason=reason, created_by=by
    )


@transaction.atomic
def resume(enrollment: Enrollment, *, by=None) -> Pause | None:
    """End the current pause today, or call off one planned for later: the weeks not yet open
    come back accordingly. A pause that ends the day it began does not count as one."""
    enrollment = _locked_schedule(enrollment)
    today = timezone.now().astimezone(enrollment.zone).date()
    pause = enrollment.pause_at() or enrollment.planned_pause(today)
    if pause is None:
        return None
    pause.ended_on = max(today, pause.starts_on)
    pause.save(update_fields=["ended_on"])
    return pause


def can_repeat_week(enrollment: Enrollment, week_count: int, at=None) -> bool:
    """On the last day of an open week (the next one opens within a day), twice at most."""
    at = at or timezone.now()
    limit = enrollment.open_week_limit(at)
    repeats = sum(p.kind == Pause.Kind.REPEAT for p in enrollment.schedule_pauses)
    if enrollment.unlocked_all or not 1 <= limit < week_count:
        return False
    if repeats >= Pause.MAX_REPEATS or enrollment.pause_at(at):
        return False
    return enrollment.week_opens_at(limit + 1) - at <= Pause.REPEAT_WINDOW


@transaction.atomic
def repeat_week(enrollment: Enrollment, *, by=None) -> Pause:
    """Stay on this week one more week: the next week opens 7 days later than planned."""
    enrollment = _locked_schedule(enrollment)
    if not can_repeat_week(enrollment, enrollment.program.week_count):
        raise ScheduleRefused(
            "A week can be repeated from its last day, twice in the program at most."
        )
    next_week = enrollment.open_week_limit() + 1
    return Pause.objects.create(
        enrollment=enrollment,
        kind=Pause.Kind.REPEAT,
        starts_on=enrollment.opening_day(next_week),
        days=enrollment.program.unlock_interval_days,
        reason=f"Repeated week {next_week - 1}",
        created_by=by,
    )
