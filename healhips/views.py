import logging

from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .celery import app as celery_app

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """For the load balancer: the app answers, touching nothing else (a node whose database or
    Redis is down must stay in rotation to show its friendly pages)."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def health(request):
    """For monitoring: the database, the cache, file storage, the task broker and a worker
    each answer, or 503 says which does not. Names only: no detail, no secret, no session."""
    checks = {
        "database": _database,
        "cache": _cache,
        "storage": _storage,
        "broker": _broker,
        "worker": _worker,
    }
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception:
            logger.warning("Health check: the %s does not answer.", name, exc_info=True)
            results[name] = "down"
    healthy = all(result == "ok" for result in results.values())
    return JsonResponse(results, status=200 if healthy else 503)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    cache.set("health-check", "ok", 10)
    if cache.get("health-check") != "ok":
        raise RuntimeError("The cache did not keep a value.")


def _storage():
    """A bucket that cannot be reached, or that refuses the site's keys, fails this."""
    for alias in ("default", "private"):
        storages[alias].exists("health-check")


def _broker():
    if celery_app.conf.task_always_eager:
        return
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)


def _worker():
    """At least one worker answers a ping through the broker (the first reply is enough)."""
    if celery_app.conf.task_always_eager:
        return
    if not celery_app.control.ping(timeout=1, limit=1):
        raise RuntimeError("No worker answered.")


def csrf_failure(request, reason=""):
    """A form posted after its page expired: the site's own page, signed-in header included."""
    return render(request, "403_csrf.html", status=403)
