"""The exercise form keeps a photo across a form error, so the instructor never picks it twice."""

import uuid
from datetime import timedelta
from pathlib import PurePosixPath

from django import forms
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from lib.images import PhotoField

from .models import Exercise

KEPT_SALT = "lessons.kept-photo"
KEPT_FOR = 24 * 60 * 60  # seconds a kept photo may be used
KEPT_FOLDER = "kept-photos"


class ExerciseForm(forms.ModelForm):
    """When the form has an error elsewhere, a photo that passed its own checks is stored aside
    and named in a signed hidden field; sent back without a new file, the form uses it."""

    kept_photo = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Exercise
        fields = ["lesson", "name", "image", "image_alt", "cues", "sets", "reps",
                  "hold_seconds", "side"]  # fmt: skip
        field_classes = {"image": PhotoField}

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
        path = default_storage.save(f"{KEPT_FOLDER}/{uuid.uuid4().hex}{suffix}", upload)
        token = signing.dumps({"path": path, "name": upload.name}, salt=KEPT_SALT)
        self.data = self.data.copy()
        self.data[self.add_prefix("kept_photo")] = token
        # The bound field was made while cleaning, with the field's help text of then.
        kept = f"Your photo {upload.name} is kept: fix the error and save, or choose another file."
        self["image"].help_text = kept


def forget_kept_photos() -> int:
    """Delete kept photos older than their token (a form abandoned after an error, or saved:
    the saved exercise has its own copy). Returns how many went."""
    cutoff = timezone.now() - timedelta(seconds=KEPT_FOR)
    try:
        _, names = default_storage.listdir(KEPT_FOLDER)
    except FileNotFoundError:  # a disk where no photo was ever kept (a bucket has no folders)
        return 0
    old = [
        f"{KEPT_FOLDER}/{name}"
        for name in names
        if default_storage.get_modified_time(f"{KEPT_FOLDER}/{name}") < cutoff
    ]
    for path in old:
        default_storage.delete(path)
    return len(old)
