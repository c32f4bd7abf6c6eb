"""The instructor's weekly digest: on Monday morning in her time zone, one email saying how many
clients are flagged, with a link to the Clients page. It names no one and carries no health data.
Sent once per week however many workers or beats run: the outbox key is the ISO week."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from lib.emails import build_email
from outbox import kinds
from outbox import services as outbox

from .clients import flagged_count

EMAIL_KIND = "journal-digest"
USEFUL_LIFE = dt.timedelta(days=2)
DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR = 7


def queue_weekly_digest(now: dt.datetime | None = None):
    """Queue this week's digest once it is Monday 7:00 or later in her zone; a later call that
    week finds the same key and adds nothing."""
    local = (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(settings.INSTRUCTOR_TIME_ZONE))
    if local.weekday() != DIGEST_WEEKDAY or local.hour < DIGEST_HOUR:
        return None
    year, week, _ = local.isocalendar()
    return outbox.queue(
        EMAIL_KIND, f"{EMAIL_KIND}:{year}-W{week:02d}", to=settings.INSTRUCTOR_EMAIL
    )


def build_digest_email(email):
    count = flagged_count()
    if not count:
        raise kinds.Skip("No client was flagged this week.")
    return build_email(
        EMAIL_KIND,
        settings.INSTRUCTOR_EMAIL,
        {"count": count, "clients_url": settings.SITE_URL + reverse("journal:clients")},
    )
