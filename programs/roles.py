"""The Instructors group: staff who run the program in the admin without being superusers."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

INSTRUCTORS = "Instructors"
# Everything about the program, its content, its money and its emails; of accounts, only what
# support needs.
MANAGED_APPS = ["programs", "lessons", "billing", "outbox", "journal"]
ACCOUNT_PERMISSIONS = ["view_user", "change_user"]


@transaction.atomic
def ensure_instructors_group() -> Group:
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS)
    permissions = Permission.objects.filter(
        Q(content_type__app_label__in=MANAGED_APPS)
        | Q(content_type__app_label="accounts", codename__in=ACCOUNT_PERMISSIONS)
    )
    group.permissions.set(permissions)
    return group


def refresh_instructors_group(**kwargs) -> None:
    """After each migrate: an existing Instructors group gets the permissions of new models
    (a new admin page would otherwise stay hidden from her)."""
    if Group.objects.filter(name=INSTRUCTORS).exists():
        ensure_instructors_group()


@transaction.atomic
def create_instructor(email: str, password: str, first_name: str = ""):
    """Create or update the instructor account: staff, in the group, email already verified."""
    user, _ = get_user_model().objects.get_or_create(email=email.lower())
    user.first_name = first_name or user.first_name
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(ensure_instructors_group())
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user
