"""Template tags other apps' pages use to show the journal (loaded as `{% load journal %}`)."""

from django import template

from .models import ProgressCheck

register = template.Library()


@register.inclusion_tag("journal/includes/check_prompt.html")
def progress_check_prompt(viewer):
    """A card inviting the client to the progress check that is due, if any: never blocking."""
    enrollment = viewer.own_enrollment
    if enrollment is None:
        return {"week": None}
    taken = set(
        ProgressCheck.objects.filter(user_id=enrollment.user_id).values_list("week", flat=True)
    )
    return {"week": ProgressCheck.due_week(viewer.week_limit, taken)}
