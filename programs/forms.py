from django import forms


class PreviewForm(forms.Form):
    day = forms.IntegerField(
        min_value=1, max_value=365, initial=1, label="Preview as a client on day"
    )
