"""The outcome measures the progress checks ask, and the safety message's first wording.

Only measures a commercial site may embed without a licence (see docs in the README, "Practice
journal"): a generic 0-10 pain rating, the PSFS (the client writes the items) and a global
rating of change.
"""

from django.db import migrations

MEASURES = [
    {
        "key": "nprs-week",
        "name": "Numeric Pain Rating Scale (NPRS)",
        "version": "0–10, average over the last week",
        "citation": "A generic 0–10 rating. A change of 2 points or 30% is meaningful: Salaffi F "
        "et al., Eur J Pain 2004;8(4):283–291.",
        "question": "On average over the last week, how much has your hip hurt?",
        "scale_min": 0,
        "scale_max": 10,
        "min_label": "no pain",
        "max_label": "the worst pain you can imagine",
        "client_items": 0,
        "asked_at_weeks": [0, 4, 8],
        "labels": {},
    },
    {
        "key": "psfs",
        "name": "Patient-Specific Functional Scale (PSFS)",
        "version": "0–10, up to 3 activities named by the client",
        "citation": "Stratford P, Gill C, Westaway M, Binkley J. Assessing disability and change "
        "on individual patients: a report of a patient specific measure. Physiotherapy Canada "
        "1995;47(4):258–263. A change of 2 points in the average is meaningful.",
        "question": "Name up to three important activities your hip makes hard, and rate how well "
        "you can do each today.",
        "scale_min": 0,
        "scale_max": 10,
        "min_label": "unable to do it",
        "max_label": "as well as before the problem",
        "client_items": 3,
        "asked_at_weeks": [0, 4, 8],
        "labels": {},
    },
    {
        "key": "grc",
        "name": "Global rating of change",
        "version": "7 points, −3 to +3",
        "citation": "Kamper SJ, Maher CG, Mackay G. Global rating of change scales. J Man Manip "
        "Ther 2009;17(3):163–170.",
        "question": "Since you started the program, your hip is…",
        "scale_min": -3,
        "scale_max": 3,
        "min_label": "very much worse",
        "max_label": "very much better",
        "client_items": 0,
        "asked_at_weeks": [4, 8],
        "labels": {
            "-3": "Very much worse", "-2": "Much worse", "-1": "A little worse",
            "0": "About the same", "1": "A little better", "2": "Much better",
            "3": "Very much better",
        },
    },
]

SAFETY = (
    "Your last check-ins show more pain than usual. That is worth listening to: ease off, choose "
    "the gentler option of each exercise, and rest when you need to. If you are unsure, ask about "
    "the class from its page. If the pain is severe or sharp, or you feel unwell, please see your "
    "clinician."
)


def add(apps, schema_editor):
    Measure = apps.get_model("journal", "Measure")
    for measure in MEASURES:
        Measure.objects.update_or_create(key=measure["key"], defaults=measure)
    apps.get_model("journal", "Wording").objects.get_or_create(
        key="safety",
        defaults={"label": "Gentle safety message (pain high or rising)", "text": SAFETY},
    )


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
