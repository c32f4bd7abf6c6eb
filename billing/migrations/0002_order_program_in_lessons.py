"""The program moved to the catalogue (lessons 0004); the order's foreign key follows it. The
database column already points at the same table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0001_initial"),
        ("lessons", "0004_program_and_week_move_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="order",
                    name="program",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="orders", to="lessons.program"),
                ),
            ],
            database_operations=[],
        ),
    ]
