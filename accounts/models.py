import datetime as dt
import uuid
import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core import signing
from django.db import models
from django.db.models.signals import post_save, pre_delete
from django.urls import reverse
from django.utils import timezone

# Each list a client can leave in one click: (signing salt, the switch it turns off).
EMAIL_LISTS = {
    "program": ("accounts.unsubscribe", "wants_program_emails"),
    "reminders": ("accounts.unsubscribe.reminders", "wants_reminders"),
}


@cache
def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def default_time_zone():
    return settings.TIME_ZONE


class EmailUserManager(UserManager):
    """Users sign in with their email address; there are no usernames."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField("email address", unique=True)
    time_zone = models.CharField(
        max_length=64,
        choices=time_zone_choices,
        default=default_time_zone,
        help_text="New weeks open, and emails arrive, by the clock of this time zone.",
    )
    # [zone, ISO time of the change] for the last few zones left: a week's opening shown before a
    # change of zone is never brought forward by it (programs.models.Enrollment.week_opens_at).
    earlier_time_zones = models.JSONField(default=list, blank=True, editable=False)
    wants_reminders = models.BooleanField(
        "practice reminders",
        default=True,
        help_text="An email on each practice day, at the time chosen, naming the next class.",
    )
    wants_program_emails = models.BooleanField(
        "weekly program emails",
        default=True,
        help_text="An email when each new week opens. Account emails are always sent.",
    )

    # New whenever anything the client's own pages show is written: this row (`save`), or one of
    # their records (`track_client_records`). Their kept pages (programs.pages) are keyed by it.
    # The database's default serves the code of a release before this one, which inserts users
    # without it during a rolling deploy: a shared value is enough, pages are keyed by user too.
    state_version = models.UUIDField(
        default=uuid.uuid4, db_default=uuid.UUID(int=0), editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.state_version = uuid.uuid4()
        if kwargs.get("update_fields"):
            kwargs["update_fields"] = {*kwargs["update_fields"], "state_version"}
        super().save(*args, **kwargs)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def unsubscribe_url(self) -> str:
        """A link that stops program emails without signing in: it carries the signed user id,
        with no timestamp, so it is the same in every email and never expires."""
        return self.unsubscribe_url_for("program")

    @property
    def reminder_unsubscribe_url(self) -> str:
        return self.unsubscribe_url_for("reminders")

    def unsubscribe_url_for(self, what: str) -> str:
        salt, _ = EMAIL_LISTS[what]
        token = signing.Signer(salt=salt).sign(str(self.pk))
        name = "accounts:unsubscribe" if what == "program" else f"accounts:unsubscribe_{what}"
        return settings.SITE_URL + reverse(name, args=[token])

    @classmethod
    def from_unsubscribe_token(cls, token: str, what: str = "program"):
        """The user an unsubscribe link was made for, or None if the link was tampered with."""
        try:
            pk = signing.Signer(salt=EMAIL_LISTS[what][0]).unsign(token)
        except signing.BadSignature:
            return None
        return cls.objects.filter(pk=pk).first()

    def stop_emails(self, what: str) -> None:
        field = EMAIL_LISTS[what][1]
        type(self).objects.filter(pk=self.pk).update(
            **{field: False, "state_version": uuid.uuid4()}
        )
        setattr(self, field, False)

    def record_time_zone_change(self, previous: str, at: dt.datetime | None = None) -> None:
        """Remember the zone left (call before saving the new one). Each zone is kept once, with
        the first time it was left: the most a week's opening could have been shown by it, and
        a list no longer than the zones there are, however often a client switches."""
        if all(zone != previous for zone, _ in self.earlier_time_zones):
            changed_at = (at or timezone.now()).isoformat()
            self.earlier_time_zones = [*self.earlier_time_zones, [previous, changed_at]]

    def earlier_time_zones_in_force(self) -> list[tuple[zoneinfo.ZoneInfo, dt.datetime]]:
        return [
            (zoneinfo.ZoneInfo(zone), dt.datetime.fromisoformat(changed_at))
            for zone, changed_at in self.earlier_time_zones
        ]

    @property
    def greeting_name(self) -> str:
        return self.first_name or self.email.split("@")[0]


def new_state_version(users) -> None:
    """The clients' pages change: `users` is their ids, or a query that selects them."""
    User.objects.filter(pk__in=users).update(state_version=uuid.uuid4())


class ClientRecordQuerySet(models.QuerySet):
    """For records of a client's own (`track_client_records`): bulk updates send no save
    signals, so they give the clients concerned a new state version themselves, after the
    write (a page built in between is kept under the old version, which nobody asks for again).
    `bulk_create` does not: a caller that uses it saves a record of the same client in the same
    transaction (a progress check and its answers)."""

    def update(self, **kwargs):
        users = set(self.values_list(self.model.client_path, flat=True))
        rows = super().update(**kwargs)
        new_state_version(users)
        return rows


def track_client_records(*models) -> None:
    """Saving one of these records gives its client a new `User.state_version` right after the
    write (in its transaction, if there is one); deleting, within the delete's transaction.
    Each model names the path to its client in `client_path`."""
    for model in models:
        post_save.connect(_client_record_changed, sender=model)
        pre_delete.connect(_client_record_changed, sender=model)


def _client_record_changed(sender, instance, raw=False, **kwargs):
    if raw:  # loading fixtures: the users' versions are in the fixture too
        return
    # Before a delete (Django deletes in a transaction), while the path to the client exists.
    new_state_version(sender._base_manager.filter(pk=instance.pk).values(sender.client_path))
