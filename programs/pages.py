"""Pages kept once built and served again until something on them changes.

A kept page's key names everything the page shows: the person and their `state_version` (new on
every write of their records, whoever makes it), the program's `content_version` (new on every
content edit), the address, what of the request the page follows (the CSRF secret its forms
carry, the Accept-Language its paper size follows), and whatever else the page names (the
Clients page: the versions of every client). What the clock alone changes, a week opening or the
client's new day, ends a kept page's life: the `until` it is kept with.

Each process keeps its own copies. A key is never reused for a different page, so a kept copy is
right on every node; reading the versions costs no query of its own (the user is read to sign
in, the program's version to find the program). Only plain GET pages are kept: pages showing a
one-time message and anything but a 200 are built every time.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from lib.kept import KeptVersions

# One page per person, address and browser, of those active lately: about 20 KB each. A new
# version of a page takes its predecessor's place, so a deleted journal's page goes with the
# next view (and, unviewed, with the least used).
_pages = KeptVersions(size=500)


@dataclass(frozen=True)
class PageKey:
    place: tuple  # who, which page, which browser
    versions: tuple  # of everything the page shows


@dataclass(frozen=True)
class KeptPage:
    """A page as built: served again while its versions are current and until `until`."""

    versions: tuple
    content: bytes
    headers: dict
    until: dt.datetime


def page_key(request, user, program, *named, with_forms: bool = True) -> PageKey | None:
    """The key of this request's page for `user`, or None if it is not one to keep. `named`:
    anything else the page shows, by version.

    `with_forms`: the page carries a CSRF token, valid only with this browser's secret."""
    if request.method != "GET" or _has_messages(request):
        return None
    secret = ""
    if with_forms:
        get_token(request)  # what rendering does: the browser keeps (or gets) its secret
        secret = request.META["CSRF_COOKIE"]
    return PageKey(
        place=(
            user.pk,
            request.get_full_path(),
            request.headers.get("Accept-Language", ""),
            secret,
        ),
        versions=(user.state_version, program.pk, program.content_version, *named),
    )


def kept_response(key: PageKey | None) -> HttpResponse | None:
    """The page kept for `key`, if nothing on it has changed since."""
    page = _pages.find(key.place) if key is not None else None
    if page is None or page.versions != key.versions or timezone.now() >= page.until:
        return None
    return HttpResponse(page.content, headers=page.headers)


def keep(key: PageKey | None, request, response, until: dt.datetime) -> None:
    """Keep `response`, if it is a plain page, until the clock changes it at `until`."""
    if key is None or response.status_code != 200 or response.streaming or response.cookies:
        return
    if until > timezone.now() and not _has_messages(request):  # none added while building
        page = KeptPage(key.versions, response.content, dict(response.headers), until)
        _pages.keep(key.place, page)


def _has_messages(request) -> bool:
    return len(get_messages(request)) > 0
