"""Where uploads and rendered PDFs live: the local disk (one machine) or an S3-compatible bucket
(several web nodes). Either way a stored file reaches a browser only through a view that
decides access first, then calls `download_response`: the bucket's objects stay private and
its links are signed for a minute, so a link copied out of a page stops working.
"""

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.encoding import filepath_to_uri
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage


class SignedS3Storage(S3Storage):
    """An S3 bucket (or a prefix of one) whose objects are never public.

    `url()` is the site's own address for a file (`base_url`, e.g. /media/, whose view checks
    access; None for files that have no address of their own) and `signed_url()` the bucket's
    short-lived link, handed out only after that check.
    """

    def get_default_settings(self):
        return {**super().get_default_settings(), "base_url": None}

    def url(self, name, parameters=None, expire=None, http_method=None):
        if self.base_url is None:
            raise ValueError("Files in this storage have no address: a view hands them out.")
        return self.base_url + filepath_to_uri(name)

    def signed_url(
        self, name, *, cache_control, filename=None, as_attachment=False, content_type=None
    ) -> str:
        parameters = {"ResponseCacheControl": cache_control}
        if filename or as_attachment:
            parameters["ResponseContentDisposition"] = content_disposition_header(
                as_attachment, filename or name.rsplit("/", 1)[-1]
            )
        if content_type:
            parameters["ResponseContentType"] = content_type
        return super().url(name, parameters=parameters, expire=settings.SIGNED_URL_SECONDS)


def download_response(
    storage,
    name,
    *,
    cache_control,
    filename=None,
    as_attachment=False,
    content_type=None,
    same_origin=False,
):
    """A stored file for a viewer the caller has already let in: a redirect to a signed link
    where the storage signs them, else the file streamed. `same_origin` streams it in any case,
    for what a browser only loads from the page's own origin (a video's captions track).
    A missing file is a 404."""
    if isinstance(storage, SignedS3Storage) and not same_origin:
        response = HttpResponseRedirect(
            storage.signed_url(
                name,
                cache_control=cache_control,
                filename=filename,
                as_attachment=as_attachment,
                content_type=content_type,
            )
        )
        # The link expires within the minute: no cache may keep the redirect.
        response["Cache-Control"] = "private, no-store"
        return response
    try:
        stored = storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("No such file.") from None
    response = FileResponse(
        stored, as_attachment=as_attachment, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = cache_control
    return response
