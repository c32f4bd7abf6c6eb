from django import forms
from django.conf import settings

from lib.when import grouped_time_zones, is_known_time_zone, place_and_time

from .models import User


class TimeZoneSelect(forms.Select):
    """The grouped list of places, with a filter box added by js/time-zone.js."""

    def __init__(self, attrs=None):
        super().__init__({"data-zone-search": "", **(attrs or {})})


def _time_zone_choices(current: str):
    groups = grouped_time_zones()
    listed = {name for _, zones in groups for name, _ in zones}
    if current and current not in listed:
        # An older name ("US/Eastern") stays selectable for the client who has it.
        return [*groups, ("Your current setting", [(current, current.replace("_", " "))])]
    return groups


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up form asks besides email and password (ACCOUNT_SIGNUP_FORM_CLASS):
    a first name to greet the client by, and the browser's time zone (js/time-zone.js)."""

    field_order = ["first_name", "email", "password1", "password2"]

    first_name = forms.CharField(
        label="First name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput)

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"].strip()
        zone = self.cleaned_data.get("time_zone", "")
        user.time_zone = zone if is_known_time_zone(zone) else settings.TIME_ZONE
        user.save(update_fields=["first_name", "time_zone"])


class AccountSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "time_zone"]
        labels = {"first_name": "First name", "time_zone": "Time zone"}
        widgets = {"time_zone": TimeZoneSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["time_zone"]
        field.choices = _time_zone_choices(self.instance.time_zone)
        field.help_text = (
            "New weeks open, and emails arrive, by this clock "
            f"(now {place_and_time(self.instance.time_zone)}). A week's opening you have been "
            "shown never comes earlier when you change it."
        )

    def save(self, commit=True):
        if "time_zone" in self.changed_data and self.initial.get("time_zone"):
            self.instance.record_time_zone_change(self.initial["time_zone"])
        return super().save(commit)


class EmailPreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["wants_program_emails", "wants_reminders"]
