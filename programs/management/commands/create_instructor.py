import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from programs.roles import create_instructor


class Command(BaseCommand):
    help = "Create (or update) the instructor's staff account, in the Instructors group."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--first-name", default="")
        parser.add_argument(
            "--password",
            help="Prefer the prompt; this flag is for scripts (it shows in the process list).",
        )

    def handle(self, *args, email, first_name, password, **options):
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not an email address.") from exc
        if not password:
            password = getpass.getpass("Password for the instructor: ")
        if len(password) < 8:
            raise CommandError("Use a password of at least 8 characters.")
        user = create_instructor(email, password, first_name)
        self.stdout.write(self.style.SUCCESS(f"Instructor account ready: {user.email}"))
