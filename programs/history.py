"""What clients have had of a week or a class: registered with `lessons.history` at start-up."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from lessons.models import Lesson, Week

from .models import Completion, Enrollment

# Local dates run at most this far ahead of UTC (Pacific/Kiritimati).
MAX_UTC_OFFSET = dt.timedelta(hours=14)


def content_history(content) -> list[str]:
    """Sentences for the admin: how many clients have done the content, and how many it has
    opened for. "Opened" is counted generously (as if every client were at UTC+14), so content
    is kept whenever a client could have seen it."""
    if isinstance(content, Week):
        lessons, program, week_number = content.lessons.all(), content.program, content.number
    elif isinstance(content, Lesson):
        lessons, program = Lesson.objects.filter(pk=content.pk), content.program
        week_number = content.week.number if content.week_id else 1
    else:
        return []
    reasons = []
    done_by = Completion.objects.filter(lesson__in=lessons).values("user").distinct().count()
    if done_by:
        reasons.append(f"{_clients(done_by)} marked it done")
    opened_for = _enrollments_opened(program, week_number).count()
    if opened_for:
        reasons.append(f"it has opened for {_clients(opened_for)}")
    return reasons


def _enrollments_opened(program, week_number: int):
    latest_local_date = (timezone.now() + MAX_UTC_OFFSET).date()
    latest_start = latest_local_date - dt.timedelta(
        days=program.unlock_interval_days * (week_number - 1)
    )
    return Enrollment.objects.filter(program=program).filter(
        Q(unlocked_all=True) | Q(starts_on__lte=latest_start)
    )


def _clients(count: int) -> str:
    return "1 client" if count == 1 else f"{count} clients"
