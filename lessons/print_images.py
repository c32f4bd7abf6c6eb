"""Exercise pictures at print size, for the PDF renderer.

Pictures reach WeasyPrint by a short address, not as `data:` URLs (its HTML parser reads long
attributes slowly), and `pdf.ProjectURLFetcher` answers the address with `print_image`.
"""

import posixpath

from django.core.files.storage import default_storage

from lib.images import resized_copy
from lib.kept import KeptVersions

# Printed 62 mm wide: 560 px is about 230 dpi there, sharp on paper and about 12 kB as a JPEG.
PRINT_IMAGE_WIDTH = 560
# The reminder's pictures are 24 mm wide: 240 px is about 250 dpi.
REMINDER_IMAGE_WIDTH = 240
WIDTHS = (PRINT_IMAGE_WIDTH, REMINDER_IMAGE_WIDTH)
SCHEME = "print-image"
EXERCISE_IMAGES = "exercises/"
# Kept per process: a week of 40 exercises, at both sizes, several times over.
_kept = KeptVersions(size=256)


def print_address(exercise, width: int = PRINT_IMAGE_WIDTH) -> str:
    """Where the renderer reads the exercise's picture at `width` pixels ("" without one)."""
    if not exercise.image:
        return ""
    return f"{SCHEME}:{width}/{exercise.image.name}"


def print_image(address: str) -> bytes:
    """The JPEG behind a `print_address`, made once per process: a stored picture never changes
    under its name (an upload is saved under a name not yet used). Only exercise pictures, at
    the print widths, are read."""
    width, name = address.split(":", 1)[1].split("/", 1)
    if posixpath.normpath(name) != name or not name.startswith(EXERCISE_IMAGES):
        raise ValueError(f"Not an exercise picture: {address:.200}")
    if not width.isdigit() or int(width) not in WIDTHS:
        raise ValueError(f"Not an exercise picture: {address:.200}")
    return _kept.get((name, int(width)), lambda: _jpeg(name, int(width)))


def _jpeg(name: str, width: int) -> bytes:
    with default_storage.open(name, "rb") as source:
        return resized_copy(source, width, image_format="JPEG").read()
