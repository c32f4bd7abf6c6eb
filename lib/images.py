"""Checking and resizing uploaded images with Pillow.

Uploads are verified by decoding them, limited in bytes and pixels (decompression bombs are
refused), and re-encoded, which drops EXIF data such as a phone's GPS position.
"""

import io
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps
from pillow_heif import register_heif_opener

from .uploads import is_stored, validate_upload_size

# iPhone photos (HEIC) open like any other image, and are stored re-encoded like the rest.
register_heif_opener()

ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "HEIF": "HEIC"}
ACCEPTED = "a JPEG, PNG, WebP or iPhone (HEIC) photo"


def validate_image_upload(upload):
    """Raise ValidationError with a message an instructor can act on, or return None."""
    if is_stored(upload):
        return
    validate_upload_size(upload)
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = image.format
                width, height = image.size
                if width * height > settings.MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        f"This image is {width}×{height} pixels, too large to process. "
                        "Please export it at a smaller size (for example 2000 pixels wide).",
                        code="too_many_pixels",
                    )
                image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            "This image has far too many pixels to process safely.", code="too_many_pixels"
        ) from exc
    except Exception as exc:
        raise ValidationError(
            f"This file is not a readable image. Upload {ACCEPTED}.",
            code="unreadable",
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            f"{image_format} images are not accepted. Upload {ACCEPTED}.",
            code="wrong_format",
        )


class PhotoField(forms.ImageField):
    """Says "too large" before anything reads the file: Django's own image field opens every
    upload with Pillow before the model's validators run."""

    def to_python(self, data):
        if data and getattr(data, "size", None) is not None:
            validate_upload_size(data)
        return super().to_python(data)


def resized_copy(source, max_width: int, image_format: str = "WEBP") -> ContentFile:
    """A re-encoded copy at most `max_width` wide, upright, without metadata."""
    source.seek(0)
    with Image.open(source) as image:
        # A JPEG decodes straight at a fraction of its size (1/2 to 1/8), never bigger than
        # needed: a 40-megapixel photo is not held in memory whole.
        image.draft("RGB", (max_width, max_width))
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        if image.width > max_width:
            height = round(image.height * max_width / image.width)
            image = image.resize((max_width, height), Image.Resampling.LANCZOS)
        if image_format == "JPEG" and image.mode == "RGBA":
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format=image_format, quality=82)
    source.seek(0)
    return ContentFile(buffer.getvalue())
