"""Where a class's video plays from.

The instructor pastes a link (or a bare video id) in the admin; `find_video` says which provider
it belongs to, and `Video.embed_url` is the player address a page shows. Pages read it only
after the access decision, so a provider that signs its links (Bunny Stream) signs them for
clients who may watch, and a copied link stops working when its token expires.
"""

import hashlib
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

VIDEO_FILE_SUFFIXES = (".mp4", ".webm", ".m4v", ".ogv", ".mov")
GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# Links to a page that shows a video, which a page of ours cannot play: say what to paste instead.
SHARING_PAGES = [
    (re.compile(r"^https://(?:www\.)?dropbox\.com/"), "a Dropbox page"),
    (re.compile(r"^https://(?:drive|docs)\.google\.com/"), "a Google Drive page"),
]


class Provider:
    """A video host: the link forms it gives out, and the player address of a video."""

    name = ""  # in the client's words: "This video plays from YouTube"
    kind = ""
    patterns: tuple[re.Pattern, ...] = ()

    def match(self, link: str) -> dict | None:
        for pattern in self.patterns:
            if found := pattern.match(link):
                return found.groupdict()
        return None

    def embed_url(self, found: dict) -> str:
        raise NotImplementedError

    def own_page(self, found: dict) -> str | None:
        """The video on the provider's own site, for clients who prefer it there."""
        return None


class YouTube(Provider):
    name, kind = "YouTube", "youtube"
    patterns = (
        re.compile(
            r"^https://(?:www\.|m\.)?(?:youtube(?:-nocookie)?\.com/"
            r"(?:watch\?(?:[^#]*&)?v=|embed/|shorts/|live/)|youtu\.be/)(?P<id>[\w-]{11})(?![\w-])"
        ),
        # A bare id: 11 characters with a capital letter or a digit in them, so a word such
        # as "coming-soon" is not taken for a video.
        re.compile(r"^(?P<id>(?=[\w-]*[A-Z0-9])(?=[\w-]*[A-Za-z_-])[\w-]{11})$"),
    )

    def embed_url(self, found):
        return f"https://www.youtube-nocookie.com/embed/{found['id']}"

    def own_page(self, found):
        return f"https://www.youtube.com/watch?v={found['id']}"


class Vimeo(Provider):
    """An unlisted Vimeo video plays only with its privacy hash (vimeo.com/<id>/<hash>, or the
    player's ?h=<hash>): it is kept in the embed."""

    name, kind = "Vimeo", "vimeo"
    patterns = (
        re.compile(
            r"^https://(?:www\.)?vimeo\.com/(?:video/)?(?P<id>\d{4,12})"
            r"(?:/(?P<hash>[0-9a-f]{6,20}))?(?![\w])"
        ),
        re.compile(
            r"^https://player\.vimeo\.com/video/(?P<id>\d{4,12})"
            r"(?:\?(?:[^#]*&)?h=(?P<hash>[0-9a-f]{6,20}))?"
        ),
        re.compile(r"^(?P<id>\d{6,12})$"),  # a bare id: Vimeo's have six digits or more
    )

    def embed_url(self, found):
        embed = f"https://player.vimeo.com/video/{found['id']}"
        return f"{embed}?h={found['hash']}" if found.get("hash") else embed

    def own_page(self, found):
        page = f"https://vimeo.com/{found['id']}"
        return f"{page}/{found['hash']}" if found.get("hash") else page


class BunnyStream(Provider):
    """With token authentication on (the library's key in BUNNY_STREAM_TOKEN_KEY) the player
    address carries a token that expires: SHA-256 of key, video id and expiry time."""

    name, kind = "Bunny Stream", "bunny"
    patterns = (
        re.compile(
            r"^https://(?:iframe\.mediadelivery\.net/(?:embed|play)|video\.bunnycdn\.com/play)/"
            rf"(?P<library>\d{{1,10}})/(?P<id>{GUID})"
        ),
        re.compile(rf"^(?P<id>{GUID})$"),  # a bare id, in BUNNY_STREAM_LIBRARY_ID's library
    )

    def match(self, link):
        found = super().match(link)
        if found and not found.get("library"):
            if not settings.BUNNY_STREAM_LIBRARY_ID:
                return None
            found["library"] = settings.BUNNY_STREAM_LIBRARY_ID
        return found

    def embed_url(self, found, now: float | None = None):
        embed = f"https://iframe.mediadelivery.net/embed/{found['library']}/{found['id']}"
        key = settings.BUNNY_STREAM_TOKEN_KEY
        if not key:
            return embed
        expires = int(now if now is not None else time.time())
        expires += settings.BUNNY_STREAM_TOKEN_SECONDS
        token = hashlib.sha256(f"{key}{found['id']}{expires}".encode()).hexdigest()
        return f"{embed}?token={token}&expires={expires}"


class VideoFile(Provider):
    """A video file on an https host, or one shipped with the site (the demo clip), played by
    the browser's own <video>."""

    kind = "file"

    def match(self, link):
        if link.startswith(("https://", "/static/")) and (
            link.split("?")[0].lower().endswith(VIDEO_FILE_SUFFIXES)
        ):
            return {"url": link}
        return None

    def embed_url(self, found):
        return found["url"]


PROVIDERS = (YouTube(), Vimeo(), BunnyStream(), VideoFile())


@dataclass(frozen=True)
class Video:
    provider: Provider
    found: dict

    @property
    def kind(self) -> str:
        return self.provider.kind

    @property
    def embed_url(self) -> str:
        """Built when read, for a viewer the page has already let in."""
        return self.provider.embed_url(self.found)

    @property
    def own_page(self) -> str | None:
        return self.provider.own_page(self.found)


def find_video(link: str) -> Video | None:
    """The video a link or id names, or None if no provider plays it."""
    link = link.strip()
    for provider in PROVIDERS:
        if (found := provider.match(link)) is not None:
            return Video(provider, found)
    return None


def validate_video_url(link: str):
    if not link:
        return
    for pattern, what in SHARING_PAGES:
        if pattern.match(link):
            raise ValidationError(
                f"This is {what}, which shows a video but cannot play inside a class. Upload "
                "the video to YouTube or Vimeo (unlisted is fine) and paste that link here.",
                code="sharing_page",
            )
    if re.fullmatch(GUID, link.strip()) and not settings.BUNNY_STREAM_LIBRARY_ID:
        raise ValidationError(
            "Paste the whole Bunny Stream link (it names your video library), not only the "
            "video id.",
            code="bunny_id_alone",
        )
    if link.startswith("http://"):
        raise ValidationError(
            "This link starts with http://: use the https:// link your video host gives "
            "(clients' browsers refuse unencrypted video on a secure page).",
            code="insecure_link",
        )
    if find_video(link) is None:
        raise ValidationError(
            "Use a YouTube, Vimeo or Bunny Stream link (or its video id), or a link to a video "
            "file ending in " + ", ".join(VIDEO_FILE_SUFFIXES) + " on your video host (https://…).",
            code="unsupported_video",
        )
