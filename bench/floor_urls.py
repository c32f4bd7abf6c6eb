"""The benchmark's floor: the site's URLs plus one trivial signed-in view, which reads the
session and the user and renders a tiny template. No personal page can be faster than it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from healhips.urls import urlpatterns as site_urlpatterns

GREETING = engines["django"].from_string("<p>Hello, {{ user.greeting_name }}</p>")


@login_required
def floor(request):
    return HttpResponse(GREETING.render({"user": request.user}, request))


urlpatterns = [path("bench/floor/", floor), *site_urlpatterns]
