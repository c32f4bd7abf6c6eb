"""HTML to PDF with WeasyPrint, fetching nothing but the project's own files.

The documents are built from what the instructor typed. Her text is escaped or sanitised before
it reaches a template, and this module is the second wall: WeasyPrint fetches every URL a
document names (images, stylesheets, @import, SVG references, attachments), so the fetcher below
refuses everything except the exercise pictures at print size (`print_images`), `data:`
images and the site's static files (fonts, stylesheets). No network connection is
ever made, so no redirect can be followed either.
"""

import logging
import mimetypes
import time
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from lib.kept import KeptVersions

from . import print_images

logger = logging.getLogger(__name__)


class URLRefused(ValueError):
    """WeasyPrint logs this and renders the document without the resource."""


def _allowed_roots() -> list[Path]:
    """Folders whose files are public anyway: static files, collected or not. Never uploads
    (they may live in a bucket, and are embedded as data) nor the PDFs themselves."""
    roots = [settings.STATIC_ROOT]
    for finder in finders.get_finders():
        roots += [storage.location for storage in getattr(finder, "storages", {}).values()]
    return [Path(root).resolve() for root in roots if root]


class ProjectURLFetcher(URLFetcher):
    """Serve `data:` images and files under the static folders; refuse the rest."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == print_images.SCHEME:
            picture = print_images.print_image(unquote(url))
            return URLFetcherResponse(url, picture, {"Content-Type": "image/jpeg"})
        if scheme == "data" and _data_media_type(url).startswith("image/"):
            return super().fetch(url, headers)
        if scheme == "file":
            return self._fetch_file(url)
        logger.warning("Refused to fetch %.200s while rendering a PDF.", url)
        raise URLRefused(f"Only project files and data: images may be used: {url:.200}")

    def _fetch_file(self, url):
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve()  # symlinks and ".." resolved before the check
        if parts.netloc not in ("", "localhost") or not any(
            path.is_relative_to(root) for root in _allowed_roots()
        ):
            logger.warning("Refused to read %s while rendering a PDF.", path)
            raise URLRefused(f"Only static files may be used: {path}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def _data_media_type(url: str) -> str:
    return url[len("data:") :].split(",", 1)[0].split(";", 1)[0].strip().lower()


# Parsed stylesheets by their text: one per print layout and paper size.
_stylesheets = KeptVersions(size=8)


@cache
def _fonts() -> FontConfiguration:
    """One per process: setting up the fonts is work that every render would otherwise repeat."""
    return FontConfiguration()


def render_pdf(template_name: str, stylesheet_name: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes, styled by a stylesheet template (rendered with
    the same context: the page size is in it). Each stylesheet is parsed once per process."""
    started = time.monotonic()
    html = render_to_string(template_name, context)
    css = render_to_string(stylesheet_name, context)
    stylesheet = _stylesheets.get(
        css, lambda: CSS(string=css, url_fetcher=ProjectURLFetcher(), font_config=_fonts())
    )
    pdf = HTML(string=html, url_fetcher=ProjectURLFetcher()).write_pdf(
        font_config=_fonts(), stylesheets=[stylesheet]
    )
    logger.info(
        "Rendered %s to a PDF of %d bytes in %.2f s.",
        template_name,
        len(pdf),
        time.monotonic() - started,
    )
    return pdf
