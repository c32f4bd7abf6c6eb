from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """For the load balancer and uptime checks: the app answers, touching nothing else."""
    return HttpResponse("ok", content_type="text/plain")
