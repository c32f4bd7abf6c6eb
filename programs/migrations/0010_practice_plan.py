import datetime
import secrets

from django.db import migrations, models

import programs.models


def give_each_a_calendar_token(apps, schema_editor):
    Enrollment = apps.get_model("programs", "Enrollment")
    for enrollment in Enrollment.objects.filter(calendar_token__isnull=True).only("pk"):
        Enrollment.objects.filter(pk=enrollment.pk).update(
            calendar_token=secrets.token_urlsafe(32)
        )


class Migration(migrations.Migration):
    dependencies = [("programs", "0009_pauses")]

    operations = [
        migrations.AddField(
            model_name="enrollment",
            name="practice_days",
            field=models.PositiveSmallIntegerField(default=21),
        ),
        migrations.AddField(
            model_name="enrollment",
            name="practice_time",
            field=models.TimeField(default=datetime.time(7, 30)),
        ),
        migrations.AddField(
            model_name="enrollment",
            name="reminded_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="enrollment",
            name="calendar_token",
            field=models.CharField(max_length=43, null=True),
        ),
        migrations.RunPython(give_each_a_calendar_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="enrollment",
            name="calendar_token",
            field=models.CharField(
                default=programs.models.new_calendar_token, max_length=43, unique=True
            ),
        ),
    ]
