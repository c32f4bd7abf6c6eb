"""The site's settings, with the benchmark's floor view added to its URLs (floor_urls.py)."""

from healhips.settings import *  # noqa: F403

ROOT_URLCONF = "floor_urls"
