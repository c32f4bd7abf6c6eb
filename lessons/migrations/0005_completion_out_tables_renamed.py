"""Completions now belong to `programs` (programs 0004), and the program and week tables take
the catalogue's names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0004_program_and_week_move_here"),
        ("programs", "0004_program_week_out_completion_in"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Completion")],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="program", table=None),
        migrations.AlterModelTable(name="week", table=None),
    ]
