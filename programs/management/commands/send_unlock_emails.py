from django.core.management.base import BaseCommand

from programs import notices


class Command(BaseCommand):
    help = (
        "Send the unlock emails that are due now: the sweep beat runs every 15 minutes. "
        "With --dry-run, only print what would be sent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the emails due; record and send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        due = notices.sweep(dry_run=dry_run)
        for notice in due:
            self.stdout.write(f"{notice.email}: {notice.kind} (week {notice.week})")
        verb = "would be sent" if dry_run else "queued"
        self.stdout.write(self.style.SUCCESS(f"{len(due)} email(s) {verb}."))
