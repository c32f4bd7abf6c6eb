import logging

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.utils import timezone

logger = logging.getLogger(__name__)


class GZipTextMiddleware(GZipMiddleware):
    """Compress what is text: pages, feeds, JSON. Files (PDFs, pictures, video) are compressed
    already, and uncompressed they stream from the disk with sendfile, copied by no one."""

    TEXT = ("text/", "application/json", "application/javascript")

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.TEXT):
            return response
        return super().process_response(request, response)


def content_security_policy(storage_origins) -> str:
    """Our pages load nothing from other hosts but the file storage (where /media/ redirects to
    a signed link), and run no inline script. The only third-party frames are the video players
    a client asks for with a click (see static/js/video.js)."""
    files = "".join(f" {origin}" for origin in storage_origins)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data:{files}",
            f"media-src 'self' https:{files}",
            "frame-src https://www.youtube-nocookie.com https://player.vimeo.com"
            " https://iframe.mediadelivery.net",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy(settings.STORAGE_ORIGINS)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class UserTimeZoneMiddleware:
    """Show every date and time in the signed-in person's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.zone)
        else:
            timezone.deactivate()
        return self.get_response(request)


class StorageOutageMiddleware:
    """A bucket that does not answer (or refuses the site's keys) delays a download or a save:
    the person gets a page that says so, and nothing they did is lost, instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, BotoCoreError | ClientError):
            return None
        logger.error("File storage did not answer: %s", exception)
        return render(request, "503_storage.html", status=503)
