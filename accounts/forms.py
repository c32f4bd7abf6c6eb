from django import forms

from .models import User


class AccountSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "time_zone"]
        labels = {"first_name": "First name", "time_zone": "Time zone"}


class EmailPreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["wants_program_emails"]
