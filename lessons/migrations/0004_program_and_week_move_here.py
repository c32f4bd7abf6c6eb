"""The program and its weeks are content the instructor writes: they move from `programs` to
the catalogue. Only Django's picture of the models moves here; the tables keep their rows and
are renamed in 0005, once every foreign key points at the new models."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0003_video_url_help"),
        ("programs", "0003_notice_state_label"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Program",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("title", models.CharField(max_length=120)),
                        ("slug", models.SlugField(unique=True)),
                        ("tagline", models.CharField(blank=True, max_length=200)),
                        ("description", models.TextField(blank=True, help_text="Markdown. The main text of the sales page.")),
                        ("audience", models.TextField(blank=True, help_text="Markdown. One bullet per kind of person.", verbose_name="who it is for")),
                        ("instructor_name", models.CharField(max_length=120)),
                        ("instructor_bio", models.TextField(blank=True, help_text="Markdown.")),
                        ("price_amount", models.PositiveIntegerField(help_text="In the smallest unit of the currency: 14900 is $149.00.")),
                        ("currency", models.CharField(default="usd", max_length=3)),
                        ("unlock_interval_days", models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(60)])),
                        ("unlock_hour", models.PositiveSmallIntegerField(default=6, help_text="Hour of the day (0-23) a new week opens, in each client's own time zone.", validators=[django.core.validators.MaxValueValidator(23)])),
                        ("is_published", models.BooleanField(default=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={"ordering": ["id"], "db_table": "programs_program"},
                ),
                migrations.CreateModel(
                    name="Week",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("number", models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(52)])),
                        ("title", models.CharField(max_length=120)),
                        ("summary", models.TextField(blank=True, help_text="Markdown. Shown at the top of the week.")),
                        ("program", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="weeks", to="lessons.program")),
                    ],
                    options={
                        "ordering": ["program", "number"],
                        "db_table": "programs_week",
                        "constraints": [models.UniqueConstraint(fields=("program", "number"), name="unique_week_number")],
                    },
                ),
                migrations.AlterField(
                    model_name="lesson",
                    name="program",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="lessons", to="lessons.program"),
                ),
                migrations.AlterField(
                    model_name="lesson",
                    name="week",
                    field=models.ForeignKey(blank=True, help_text="Leave empty for a bonus class, open to every client from day one.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name="lessons", to="lessons.week"),
                ),
                migrations.AlterField(
                    model_name="exercisepdf",
                    name="week",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="exercise_pdfs", to="lessons.week"),
                ),
            ],
            database_operations=[],
        ),
    ]
