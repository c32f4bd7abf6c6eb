from django.conf import settings
from django.utils.functional import SimpleLazyObject

from lessons.models import Program


def site(request):
    """The site's name, and the program for the footer: looked up only by a page that shows it
    and has no `program` of its own in its context."""
    return {"site_name": settings.SITE_NAME, "program": SimpleLazyObject(Program.current)}
