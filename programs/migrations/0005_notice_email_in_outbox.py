"""Unlock emails are sent through the outbox: each notice's sending state (state, attempts, last
error, sent time) moves to an outbox email of kind "unlock", linked from the notice."""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models

STALE_AFTER = dt.timedelta(minutes=30)
USEFUL_LIFE = dt.timedelta(days=4)


def notices_to_emails(apps, schema_editor):
    Notice = apps.get_model("programs", "Notice")
    Email = apps.get_model("outbox", "Email")
    for notice in Notice.objects.select_related("enrollment__user").order_by("pk").iterator():
        # update_or_create: after this migration was undone (which keeps the emails) and is
        # applied again, each notice takes back its email with the notice's current state.
        notice.email, _ = Email.objects.update_or_create(
            key=f"unlock:{notice.enrollment_id}:{notice.week}",
            defaults=dict(
            kind="unlock",
            to=notice.enrollment.user.email if notice.state == "sent" else "",
            state=notice.state,
            attempts=notice.attempts,
            last_error=notice.last_error,
            created_at=notice.created_at,
            updated_at=notice.updated_at,
            # An unfinished one is taken up by the outbox's sweep, as the unlock sweep did.
            due_at=notice.updated_at + STALE_AFTER,
            expires_at=notice.created_at + USEFUL_LIFE,
            sent_at=notice.sent_at,
            ),
        )
        notice.save(update_fields=["email"])


def emails_to_notices(apps, schema_editor):
    Notice = apps.get_model("programs", "Notice")
    for notice in Notice.objects.select_related("email").order_by("pk").iterator():
        email = notice.email
        notice.state = email.state
        notice.attempts = email.attempts
        notice.last_error = email.last_error
        notice.updated_at = email.updated_at
        notice.sent_at = email.sent_at
        notice.save(update_fields=["state", "attempts", "last_error", "updated_at", "sent_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0004_program_week_out_completion_in"),
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="email",
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="notice", to="outbox.email"),
        ),
        migrations.RunPython(notices_to_emails, emails_to_notices),
    ]
