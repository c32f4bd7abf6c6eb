from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """For the load balancer and uptime checks: the app answers, touching nothing else."""
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request, reason=""):
    """A form posted after its page expired: the site's own page, signed-in header included."""
    return render(request, "403_csrf.html", status=403)
