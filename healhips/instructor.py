"""The admin home's summary for the instructor: her clients, her money, and what needs her
attention soon. The project layer is the one place that may ask every app."""

import datetime as dt

from django import template
from django.utils import timezone

from billing.models import Order
from lessons.models import Lesson
from lib.money import format_money
from programs import roster
from programs.models import Enrollment

register = template.Library()

SOON = dt.timedelta(days=3)


@register.inclusion_tag("admin/includes/instructor_summary.html")
def instructor_summary():
    now = timezone.now()
    month_start = now.astimezone(timezone.get_current_timezone()).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    active = Enrollment.objects.with_access()
    opening = roster.weeks_opening(SOON, now)
    return {
        "active_clients": active.count(),
        "new_this_week": active.filter(created_at__gte=now - dt.timedelta(days=7)).count(),
        "revenue": [
            format_money(row["net"], row["currency"])
            for row in Order.objects.paid_since(month_start).revenue_by_currency()
        ],
        "opening": opening,
        "empty_openings": [week for week in opening if not week.classes],
        "empty_classes": list(Lesson.objects.without_content().select_related("week")[:20]),
    }
