from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from lessons.forms import KEPT_FOLDER
from lib.storage import SignedS3Storage

PROGRESS_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Copy the uploads (MEDIA_ROOT) and the rendered PDFs (PRIVATE_MEDIA_ROOT) of a site that "
        "kept them on its own disk into the bucket S3_BUCKET names, under the same names. Safe "
        "to run again: a file already in the bucket with the same size is skipped, so an "
        "interrupted copy resumes where it stopped. Photos kept aside by a form are left out."
    )

    def handle(self, *args, **options):
        pairs = [
            (Path(settings.MEDIA_ROOT), storages["default"]),
            (Path(settings.PRIVATE_MEDIA_ROOT), storages["private"]),
        ]
        if not all(isinstance(bucket, SignedS3Storage) for _, bucket in pairs):
            raise CommandError(
                "Files are kept on this machine's disk: set S3_BUCKET (and S3_ENDPOINT_URL, "
                "S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY) to the bucket to copy them into."
            )
        for _, bucket in pairs:
            try:
                bucket.connection.meta.client.head_bucket(Bucket=bucket.bucket_name)
            except (BotoCoreError, ClientError) as exc:
                raise CommandError(
                    f"The bucket {bucket.bucket_name} cannot be reached with these settings "
                    f"(S3_BUCKET, S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY): {exc}"
                ) from exc
        files = [
            (path, path.relative_to(root).as_posix(), bucket)
            for root, bucket in pairs
            if root.is_dir()
            for path in sorted(root.rglob("*"))
            if path.is_file() and not path.relative_to(root).as_posix().startswith(KEPT_FOLDER)
        ]
        self.stdout.write(f"{len(files)} files on this disk.")
        copied = 0
        for done, (path, name, bucket) in enumerate(files, start=1):
            try:
                copied += self._copy(path, name, bucket)
            except (BotoCoreError, ClientError) as exc:
                raise CommandError(
                    f"The bucket stopped answering at {name} ({exc}). {copied} files were "
                    "copied: run the command again to go on from there."
                ) from exc
            self._progress(done, len(files))
        self.stdout.write(
            self.style.SUCCESS(f"{copied} copied, {len(files) - copied} already in the bucket.")
        )

    def _copy(self, path, name, bucket) -> int:
        """1 if the file was copied, 0 if the bucket already had it."""
        if bucket.exists(name) and bucket.size(name) == path.stat().st_size:
            return 0
        with path.open("rb") as source:
            bucket.delete(name)  # a partial copy from an interrupted run
            stored = bucket.save(name, File(source, name=name))
        if stored != name:
            raise CommandError(f"{name} was stored as {stored}: nothing else was copied.")
        return 1

    def _progress(self, done, total):
        filled = PROGRESS_WIDTH * done // total
        bar = "#" * filled + "-" * (PROGRESS_WIDTH - filled)
        # One line redrawn on a terminal; a line per tenth in a log.
        if self.stdout.isatty():
            self.stdout.write(f"\r[{bar}] {done}/{total}", ending="" if done < total else "\n")
        elif done == total or done % max(total // 10, 1) == 0:
            self.stdout.write(f"[{bar}] {done}/{total}")
