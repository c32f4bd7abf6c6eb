"""Program and Week now belong to the catalogue (lessons 0004); a client's completions, records of
the client's own progress, move here from lessons. Rows stay where they are: only the
completions table is renamed, and the content types follow their models, so permissions and
the admin's history keep pointing at the right things."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (old app, new app, model)
MOVED = [("programs", "lessons", "program"), ("programs", "lessons", "week"), ("lessons", "programs", "completion")]


def move_content_types(apps, schema_editor, moves=MOVED):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, new_app, model in moves:
        if not ContentType.objects.filter(app_label=new_app, model=model).exists():
            ContentType.objects.filter(app_label=old_app, model=model).update(app_label=new_app)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, [(new, old, model) for old, new, model in MOVED])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("programs", "0003_notice_state_label"),
        ("lessons", "0004_program_and_week_move_here"),
        ("billing", "0002_order_program_in_lessons"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="enrollment",
                    name="program",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="enrollments", to="lessons.program"),
                ),
                migrations.DeleteModel(name="Week"),
                migrations.DeleteModel(name="Program"),
                migrations.CreateModel(
                    name="Completion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("completed_at", models.DateTimeField(auto_now_add=True)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="completions", to=settings.AUTH_USER_MODEL)),
                        ("lesson", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="completions", to="lessons.lesson")),
                    ],
                    options={
                        "db_table": "lessons_completion",
                        "constraints": [models.UniqueConstraint(fields=("user", "lesson"), name="one_completion_per_lesson")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="completion", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
