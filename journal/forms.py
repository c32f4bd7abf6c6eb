from django import forms

from .models import Practice
from .records import GRC, NPRS, PSFS

PAIN_CHOICES = [(n, str(n)) for n in range(11)]
ACTIVITY_EXAMPLES = "For example: putting on socks, climbing stairs, a 20-minute walk."


class CheckInForm(forms.Form):
    """The 10-second check-in on the Done step. Every field may be left empty."""

    pain = forms.TypedChoiceField(
        label="Pain right now",
        choices=PAIN_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text="0 is no pain, 10 the worst you can imagine.",
    )
    effort = forms.ChoiceField(
        label="The session felt",
        choices=Practice.Effort.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="A note for yourself (optional)",
        max_length=Practice.NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProgressCheckForm(forms.Form):
    """The progress check of one week (0, 4 or 8), built from the measures asked then.
    Activities named at the start are asked again by name, not retyped."""

    def __init__(self, *args, measures, week, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.measures = {measure.key: measure for measure in measures}
        self.week = week
        self.activities = activities
        nprs = self.measures.get(NPRS)
        if nprs:
            self.fields["nprs"] = _scale_field(nprs, nprs.question)
        psfs = self.measures.get(PSFS)
        if psfs:
            for n in range(psfs.client_items):
                named = activities[n] if n < len(activities) else ""
                if week == 0 or not activities:
                    self.fields[f"activity_{n}"] = forms.CharField(
                        label=f"Activity {n + 1}",
                        max_length=120,
                        required=n == 0,
                        help_text=ACTIVITY_EXAMPLES if n == 0 else "",
                    )
                elif not named:
                    continue
                self.fields[f"rating_{n}"] = _scale_field(
                    psfs,
                    f"How well can you do it today{f': {named}' if named else ''}?",
                    required=n == 0,
                )
        grc = self.measures.get(GRC)
        if grc:
            self.fields["grc"] = forms.TypedChoiceField(
                label=grc.question,
                choices=[
                    (n, grc.labels.get(str(n), str(n)))
                    for n in range(grc.scale_min, grc.scale_max + 1)
                ],
                coerce=int,
                widget=forms.RadioSelect,
            )

    def clean(self):
        cleaned = super().clean()
        for name in list(self.fields):
            if name.startswith("activity_"):
                n = name.removeprefix("activity_")
                if cleaned.get(name) and cleaned.get(f"rating_{n}") is None:
                    self.add_error(f"rating_{n}", "Rate this activity, from 0 to 10.")
                if not cleaned.get(name) and cleaned.get(f"rating_{n}") is not None:
                    self.add_error(name, "Name the activity you rated.")
        return cleaned

    def answers(self) -> list[tuple[str, str, int]]:
        """(measure key, item, value) for each answer given."""
        data = self.cleaned_data
        answers = []
        if data.get("nprs") is not None:
            answers.append((NPRS, "", data["nprs"]))
        for name, value in data.items():
            if name.startswith("rating_") and value is not None:
                n = int(name.removeprefix("rating_"))
                item = data.get(f"activity_{n}") or self.activities[n]
                answers.append((PSFS, item.strip(), value))
        if data.get("grc") is not None:
            answers.append((GRC, "", data["grc"]))
        return answers


def _scale_field(measure, label, required=True):
    return forms.TypedChoiceField(
        label=label,
        choices=[(n, str(n)) for n in range(measure.scale_min, measure.scale_max + 1)],
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        help_text=f"{measure.scale_min} = {measure.min_label}, "
        f"{measure.scale_max} = {measure.max_label}.",
    )
