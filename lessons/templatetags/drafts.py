from django import template
from django.utils.html import format_html

from lessons.models import Status

register = template.Library()


@register.filter
def draft_badge(content):
    """The badge staff see beside a week or class still in draft (clients never get drafts).
    A filter, not an include: lists of classes show it on every row."""
    if content.status != Status.DRAFT:
        return ""
    return format_html(' <span class="badge badge-draft">{}</span>', "Draft: clients cannot see it")
