"""A client's pages, kept once built and served again until something on them changes.

A kept page's key names everything the page shows: the client and their `state_version` (new on
every write of their records, whoever makes it), the program's `content_version` (new on every
content edit), the address, and what of the request the page follows (the CSRF secret its forms
carry, the Accept-Language its paper size follows). What the clock alone changes, a week opening
or the client's new day, ends a kept page's life (`Viewer.unchanged_until`).

Each process keeps its own copies. A key is never reused for a different page, so a kept copy is
right on every node; reading the two versions costs no query of its own (the user is read to
sign in, the program's version to find the program). Only a client's own plain GET pages are
kept: staff (who may preview days), pages showing a one-time message and anything but a 200
are built every time.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from lib.kept import KeptVersions

# Pages of the clients active lately: about 20 KB each.
_pages = KeptVersions(size=500)


@dataclass(frozen=True)
class KeptPage:
    content: bytes
    headers: dict
    until: dt.datetime


def page_key(request, user, program, *, with_forms: bool = True) -> tuple | None:
    """The key of this request's page for `user`, or None if it is not one to keep.

    `with_forms`: the page carries a CSRF token, valid only with this browser's secret."""
    if request.method != "GET" or user.is_staff or len(get_messages(request)):
        return None
    secret = ""
    if with_forms:
        get_token(request)  # what rendering does: the browser keeps (or gets) its secret
        secret = request.META["CSRF_COOKIE"]
    return (
        user.pk,
        user.state_version,
        program.pk,
        program.content_version,
        request.get_full_path(),
        request.headers.get("Accept-Language", ""),
        secret,
    )


def kept_response(key: tuple | None) -> HttpResponse | None:
    page = _pages.find(key) if key is not None else None
    if page is None or timezone.now() >= page.until:
        return None
    return HttpResponse(page.content, headers=page.headers)


def keep(key: tuple | None, viewer, response) -> None:
    """Keep `response` if it is a plain page that stays right until the clock changes it."""
    if key is None or response.status_code != 200 or response.streaming or response.cookies:
        return
    until = viewer.unchanged_until
    if until > timezone.now():
        _pages.keep(key, KeptPage(response.content, dict(response.headers), until))
