"""Upload size limits applied while the request body streams in, not after.

Django keeps small files in memory and spools larger ones to disk, but either way reads every byte
before a form sees the file. The handler below stops keeping a file's bytes once it passes
`MAX_UPLOAD_BYTES` and hands the form an empty stand-in that remembers the real size, so the form
says "too large" without a 60 MB file ever sitting in memory or on disk. The proxy in front of the
site should refuse bodies far above the limit (README, "Uploads").
"""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class RefusedUpload(UploadedFile):
    """A file that was over the limit: no content, only its name and full size."""

    def __init__(self, name, content_type, size):
        super().__init__(io.BytesIO(), name, content_type, size)


class SizeLimitedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: passes chunks on to the usual handlers until a file is
    over the limit, then drops the rest and answers with a RefusedUpload."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.MAX_UPLOAD_BYTES:
            return None
        return raw_data

    def file_complete(self, file_size):
        if self.received > settings.MAX_UPLOAD_BYTES:
            return RefusedUpload(self.file_name, self.content_type, self.received)
        return None


def is_stored(value) -> bool:
    """A file field's value that is already in storage (not a new upload): checked when it
    came in, and reading it again would fetch it from a bucket at every save."""
    return getattr(value, "_committed", False)


def validate_upload_size(upload):
    if is_stored(upload):
        return
    if upload.size > settings.MAX_UPLOAD_BYTES:
        limit_mb = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError(
            f"This file is {upload.size / 1024 / 1024:.1f} MB; the limit is {limit_mb} MB. "
            "Choose a smaller file: a phone photo sent by email or message is usually small "
            "enough.",
            code="too_large",
        )
