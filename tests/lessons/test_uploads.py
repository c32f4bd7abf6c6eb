import datetime as dt
import io
import os
import tracemalloc

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.urls import reverse
from PIL import Image

from lessons.forms import forget_kept_photos
from lessons.models import Exercise
from tests.factories import LessonFactory

pytestmark = pytest.mark.usefixtures("file_storage")


def _image_bytes(image_format="PNG", size=(640, 480), exif=None, noise=False):
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, "#1e6b5c")
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def _upload(name, content, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def lesson(program):
    return LessonFactory(program=program, week=program.weeks.first())


def _add_exercise(client, lesson, image, alt="A person lifting one knee"):
    data = {
        "lesson": lesson.pk,
        "name": "Knee lift",
        "image": image,
        "image_alt": alt,
        "cues": "Stand tall",
        "sets": 2,
        "reps": 8,
        "hold_seconds": "",
        "side": "each",
    }
    return client.post(reverse("admin:lessons_exercise_add"), data)


def _stored_files(folder=""):
    """Every file name in the uploads storage, whichever it is."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    prefix = f"{folder}/" if folder else ""
    return [prefix + name for name in files] + [
        name for sub in folders for name in _stored_files(prefix + sub)
    ]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: _upload("notes.png", b"this is not an image"), "Upload a valid image"),
        (lambda: _upload("anim.gif", _image_bytes("GIF"), "image/gif"), "GIF images are not"),
        (lambda: _upload("bomb.png", _image_bytes(size=(10_000, 10_000))), "too many pixels"),
        (
            lambda: _upload("huge.png", _image_bytes(size=(1900, 1900), noise=True)),
            "the limit is 10 MB",
        ),
    ],
    ids=["not-an-image", "wrong-type", "decompression-bomb", "too-large"],
)
def test_a_bad_image_gets_a_clear_error_and_saves_nothing(
    client, instructor, lesson, upload, message
):
    client.force_login(instructor)
    response = _add_exercise(client, lesson, upload())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Exercise.objects.count() == 0
    assert _stored_files() == []


def test_an_image_without_a_description_is_refused(client, instructor, lesson):
    client.force_login(instructor)
    response = _add_exercise(client, lesson, _upload("ok.png", _image_bytes()), alt="")
    assert "Describe the image" in response.content.decode()
    assert Exercise.objects.count() == 0
    # Only kept aside for the next try (see the kept-photo test): no exercise picture is stored.
    assert [name.split("/")[0] for name in _stored_files()] == ["kept-photos"]


def test_a_good_photo_is_stored_resized_without_its_exif_data(client, instructor, lesson):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # a GPS latitude
    photo = _image_bytes("JPEG", size=(3000, 2000), exif=exif)
    assert b"PhoneMaker" in photo
    client.force_login(instructor)

    response = _add_exercise(client, lesson, _upload("photo.jpg", photo, "image/jpeg"))

    assert response.status_code == 302
    exercise = Exercise.objects.get()
    stored = exercise.image.read()
    assert b"PhoneMaker" not in stored
    with (
        Image.open(exercise.image.open()) as page_copy,
        Image.open(exercise.thumbnail.open()) as thumb,
    ):
        assert page_copy.width == 1200
        assert not page_copy.getexif()
        assert thumb.width == 240


def test_an_iphone_heic_photo_is_accepted_and_stored_like_the_others(
    client, instructor, lesson, settings
):
    client.force_login(instructor)

    response = _add_exercise(
        client, lesson, _upload("IMG_0042.heic", _image_bytes("HEIF"), "image/heic")
    )

    assert response.status_code == 302
    exercise = Exercise.objects.get()
    assert exercise.image.name.endswith(".webp")
    with Image.open(exercise.image.open()) as stored:
        assert (stored.format, stored.width) == ("WEBP", 640)
    assert exercise.thumbnail


def test_a_photo_is_kept_across_an_error_elsewhere_on_the_form(client, instructor, lesson):
    client.force_login(instructor)

    first = _add_exercise(client, lesson, _upload("bridge.png", _image_bytes()), alt="")
    assert first.status_code == 200
    assert "Describe the image" in first.text
    assert "Your photo bridge.png is kept" in first.text
    token = first.context["adminform"].form["kept_photo"].value()
    assert token

    second = client.post(
        reverse("admin:lessons_exercise_add"),
        {
            "lesson": lesson.pk, "name": "Knee lift", "image_alt": "A bridge",
            "kept_photo": token, "cues": "", "sets": "", "reps": "", "hold_seconds": "",
            "side": "both",
        },
    )  # fmt: skip

    assert second.status_code == 302
    exercise = Exercise.objects.get()
    assert exercise.image.name.endswith(".webp")
    assert exercise.thumbnail


def test_a_forged_kept_photo_token_is_ignored(client, instructor, lesson):
    client.force_login(instructor)

    response = client.post(
        reverse("admin:lessons_exercise_add"),
        {
            "lesson": lesson.pk, "name": "Knee lift", "image_alt": "",
            "kept_photo": '{"path": "../../healhips/settings.py"}', "side": "both",
        },
    )  # fmt: skip

    assert response.status_code == 302
    assert not Exercise.objects.get().image


class _MultipartBody(io.RawIOBase):
    """A multipart body with one file of `size` bytes, made as it is read: the test holds no
    copy of it, so what the parser keeps is all that memory sees."""

    boundary = "healhips-boundary"

    def __init__(self, size):
        self.head = (
            f"--{self.boundary}\r\n"
            'Content-Disposition: form-data; name="image"; filename="huge.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.file_size = size
        self.length = len(self.head) + size + len(self.tail)
        self.sent = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        piece = self._piece(min(len(buffer), self.length - self.sent))
        buffer[: len(piece)] = piece
        self.sent += len(piece)
        return len(piece)

    def _piece(self, most):
        file_start, file_end = len(self.head), len(self.head) + self.file_size
        if self.sent < file_start:
            return self.head[self.sent : self.sent + most]
        if self.sent < file_end:
            return b"A" * min(most, file_end - self.sent)
        return self.tail[self.sent - file_end :][:most]


def test_a_60_mb_upload_is_refused_as_it_streams_in_never_held(settings):
    body = _MultipartBody(60 * 1024 * 1024)
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/admin/lessons/exercise/add/",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "CONTENT_TYPE": f"multipart/form-data; boundary={body.boundary}",
            "CONTENT_LENGTH": str(body.length),
            "wsgi.input": io.BufferedReader(body, buffer_size=64 * 1024),
        }
    )

    tracemalloc.start()
    upload = request.FILES["image"]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert upload.size == 60 * 1024 * 1024
    assert upload.read() == b""
    assert peak < 5 * 1024 * 1024


def test_photos_kept_across_an_error_are_cleared_a_day_later(client, instructor, lesson):
    client.force_login(instructor)
    _add_exercise(client, lesson, _upload("bridge.png", _image_bytes()), alt="")
    _, kept = default_storage.listdir("kept-photos")
    assert len(kept) == 1

    assert forget_kept_photos() == 0
    with time_machine.travel(dt.timedelta(hours=25)):
        assert forget_kept_photos() == 1
    assert default_storage.listdir("kept-photos") == ([], [])
