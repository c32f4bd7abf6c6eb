"""Downloading a stored PDF from the local disk and from an S3-compatible bucket.

Run by `make bench`. Sets itself up in a throwaway folder (SQLite, the demo program), starts
moto's S3 server on 127.0.0.1, and times, median of BENCH_STORAGE_DOWNLOADS:

- disk: the access-checked download streamed from the disk (the Django test client);
- bucket: the access-checked redirect (test client) plus fetching the signed link over HTTP,
  which is what a browser does; and the signed link alone, the bucket's own speed.

moto is a Python server: a real provider serves the second half faster than this measures.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench_pdf import median_ms  # this folder is on the path of a script run from it

ROOT = Path(__file__).resolve().parent.parent
DOWNLOADS = int(os.environ.get("BENCH_STORAGE_DOWNLOADS", "200"))


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - moto on 127.0.0.1
        return answer.read()


def main():
    work = Path(tempfile.mkdtemp(prefix="bench-storage-"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    moto_url = f"http://127.0.0.1:{port}"
    moto = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                fetch(f"{moto_url}/moto-api/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        measure(work, moto_url)
    finally:
        moto.terminate()
        moto.wait()


def measure(work: Path, moto_url: str):
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "MEDIA_ROOT": str(work / "media"),
            "PRIVATE_MEDIA_ROOT": str(work / "private"),
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": "dummymail://",  # the demo's welcome email goes nowhere
            "DJANGO_SETTINGS_MODULE": "healhips.settings",
        }
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from django.core.management import call_command
    from django.test import Client, override_settings
    from django.urls import reverse

    from healhips.settings import bucket_storages
    from lessons.models import ExercisePdf
    from programs.management.commands.seed_demo import CLIENT_EMAIL

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client()
    client.force_login(get_user_model().objects.get(email=CLIENT_EMAIL))
    pdf_url = reverse("programs:lesson_pdf", args=["foot-and-ankle"])
    stored = ExercisePdf.objects.get(lesson__slug="foot-and-ankle")
    content = stored.open().read()

    def from_disk():
        response = client.get(pdf_url)
        assert b"".join(response.streaming_content) == content

    disk = median_ms(from_disk, DOWNLOADS)

    credentials = {"access_key": "bench", "secret_key": "bench", "region_name": "us-east-1"}
    bucket = bucket_storages("bench", endpoint_url=moto_url, **credentials)
    with override_settings(STORAGES={**django.conf.settings.STORAGES, **bucket}):
        storages["private"].connection.meta.client.create_bucket(Bucket="bench")
        storages["private"].save(stored.file_name, ContentFile(content))

        def redirect():
            response = client.get(pdf_url)
            assert response.status_code == 302
            return response["Location"]

        def from_bucket():
            assert fetch(redirect()) == content

        link = redirect()
        through_site = median_ms(from_bucket, DOWNLOADS)
        redirect_only = median_ms(redirect, DOWNLOADS)
        link_only = median_ms(lambda: fetch(link), DOWNLOADS)

    print("## Downloads: disk and bucket")
    print()
    print(
        f"The stored Foot & Ankle PDF ({len(content) / 1024:.0f} KiB), median of {DOWNLOADS}; "
        "the bucket is moto's S3 server on 127.0.0.1."
    )
    print()
    print("| Download | Median |")
    print("|---|---:|")
    print(f"| Disk: access check and file streamed by Django | {disk:.2f} ms |")
    print(f"| Bucket: access check, redirect, signed link fetched | {through_site:.2f} ms |")
    print(f"| Bucket: the access check and redirect alone | {redirect_only:.2f} ms |")
    print(f"| Bucket: the signed link alone | {link_only:.2f} ms |")


if __name__ == "__main__":
    main()
