"""The exercise form keeps a photo across a form error, so the instructor never picks it twice."""

import uuid
from pathlib import PurePosixPath

from django import forms
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from .models import Exercise

KEPT_SALT = "lessons.kept-photo"
KEPT_FOR = 24 * 60 * 60  # seconds a kept photo may be used


class ExerciseForm(forms.ModelForm):
    """When the form has an error elsewhere, a photo that passed its own checks is stored aside
    and named in a signed hidden field; sent back without a new file, the form uses it."""

    kept_photo = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Exercise
        fields = ["lesson", "position", "name", "image", "image_alt", "cues", "sets", "reps",
                  "hold_seconds", "side"]  # fmt: skip

    def clean_kept_photo(self):
        token = self.cleaned_data["kept_photo"]
        if not token:
            return None
        try:
            return signing.loads(token, salt=KEPT_SALT, max_age=KEPT_FOR)
        except signing.BadSignature:
            return None

    def clean(self):
        cleaned = super().clean()
        kept = cleaned.get("kept_photo")
        new_upload = isinstance(cleaned.get("image"), UploadedFile)
        if kept and not new_upload and default_storage.exists(kept["path"]):
            cleaned["image"] = File(default_storage.open(kept["path"]), name=kept["name"])
        return cleaned

    def full_clean(self):
        super().full_clean()
        image = getattr(self, "cleaned_data", {}).get("image")
        if self.errors and "image" not in self.errors and isinstance(image, UploadedFile):
            self._keep(image)

    def _keep(self, upload):
        suffix = PurePosixPath(upload.name).suffix.lower()
        path = default_storage.save(f"kept-photos/{uuid.uuid4().hex}{suffix}", upload)
        token = signing.dumps({"path": path, "name": upload.name}, salt=KEPT_SALT)
        self.data = self.data.copy()
        self.data[self.add_prefix("kept_photo")] = token
        # The bound field was made while cleaning, with the field's help text of then.
        kept = f"Your photo {upload.name} is kept: fix the error and save, or choose another file."
        self["image"].help_text = kept
