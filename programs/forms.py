from django import forms

from .models import WEEKDAYS, Enrollment, Question


class PreviewForm(forms.Form):
    day = forms.IntegerField(
        min_value=1, max_value=365, initial=1, label="Preview as a client on day"
    )


class QuestionForm(forms.Form):
    message = forms.CharField(
        label="Your question",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write your question first, then send it."},
    )

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError("Write your question first, then send it.")
        if len(message) > Question.MAX_LENGTH:
            raise forms.ValidationError(
                f"Please keep it under {Question.MAX_LENGTH:,} characters "
                f"(yours has {len(message):,}). A short question gets a quicker answer."
            )
        return message


class PauseForm(forms.Form):
    REASONS = [("", "Rather not say"), ("Holiday", "A holiday"), ("Illness", "Illness"),
               ("Flare-up", "A flare-up"), ("Busy", "A busy time")]  # fmt: skip

    starts_on = forms.DateField(
        label="Pause from",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Today or later.",
    )
    days = forms.TypedChoiceField(
        label="Pause for",
        coerce=int,
        choices=[(n, f"{n} day{'s' if n > 1 else ''}") for n in range(1, 29)],
        initial=7,
    )
    reason = forms.ChoiceField(label="Why (optional)", choices=REASONS, required=False)


class PracticePlanForm(forms.ModelForm):
    """Practice days and time, on the client's clock, and whether to be reminded then."""

    weekdays = forms.TypedMultipleChoiceField(
        label="Practice days",
        coerce=int,
        choices=list(enumerate(WEEKDAYS)),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one day."},
    )
    reminders = forms.BooleanField(
        label="Email me a reminder at that time on those days",
        required=False,
        help_text="Only on days you have not practised yet, never while paused.",
    )

    class Meta:
        model = Enrollment
        fields = ["practice_time"]
        labels = {"practice_time": "At"}
        widgets = {"practice_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["weekdays"] = self.instance.practice_weekdays
        self.initial["reminders"] = self.instance.user.wants_reminders

    def save(self, commit=True):
        enrollment = super().save(commit=False)
        enrollment.practice_days = sum(1 << day for day in self.cleaned_data["weekdays"])
        enrollment.user.wants_reminders = self.cleaned_data["reminders"]
        if commit:
            enrollment.save(update_fields=["practice_days", "practice_time"])
            enrollment.user.save(update_fields=["wants_reminders"])
        return enrollment
