"""State changes to enrollments. Each is one transaction; views, admin and billing call these."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import notices
from .models import Enrollment, Program


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
