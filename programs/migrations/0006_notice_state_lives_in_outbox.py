"""Every notice has its outbox email now (0005): the notice's own sending columns go. A
migration of its own, as PostgreSQL will not alter a table that has just had rows updated in
the same transaction."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0005_notice_email_in_outbox"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notice",
            name="email",
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="notice", to="outbox.email"),
        ),
        migrations.RemoveIndex(model_name="notice", name="notice_unfinished"),
        migrations.RemoveField(model_name="notice", name="attempts"),
        migrations.RemoveField(model_name="notice", name="last_error"),
        migrations.RemoveField(model_name="notice", name="sent_at"),
        migrations.RemoveField(model_name="notice", name="state"),
        migrations.RemoveField(model_name="notice", name="updated_at"),
    ]
