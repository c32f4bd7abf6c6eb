"""Files in an S3-compatible bucket (moto's server on 127.0.0.1): private there, handed out by
links signed for a minute after the same access decision as on disk, and copied over from a
site that kept them on its own disk."""

import datetime as dt
import io
import urllib.error
import urllib.request

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import CommandError, call_command
from django.urls import reverse

from lessons.models import ExercisePdf, Lesson
from tests.buckets import downloaded
from tests.factories import ExerciseFactory

SIGNED_AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def class_with_exercises(program):
    lesson = Lesson.objects.get(program=program, week__number=2, position=0)
    ExerciseFactory(lesson=lesson, name="Glute bridge")
    return lesson


def _pdf_link(client, lesson, at=SIGNED_AT):
    with time_machine.travel(at, tick=False):
        response = client.get(reverse("programs:lesson_pdf", args=[lesson.slug]))
    assert response.status_code == 302
    return response["Location"]


def test_a_pdf_link_is_signed_for_a_minute_and_names_the_file(
    bucket_storage, s3_server, client, alice, class_with_exercises
):
    client.force_login(alice)

    link = _pdf_link(client, class_with_exercises)

    assert link.startswith(f"{s3_server.url}/")
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256&" in link  # SigV4, which every provider takes
    assert "X-Amz-Expires=60&" in link
    assert s3_server.signed_link_works(link, at=SIGNED_AT + dt.timedelta(seconds=59))
    assert not s3_server.signed_link_works(link, at=SIGNED_AT + dt.timedelta(seconds=60))
    tampered = link.replace("X-Amz-Expires=60", "X-Amz-Expires=86400")
    assert not s3_server.signed_link_works(tampered, at=SIGNED_AT + dt.timedelta(seconds=30))
    with urllib.request.urlopen(link, timeout=10) as answer:  # noqa: S310
        assert answer.headers["Content-Disposition"] == (
            f'attachment; filename="{class_with_exercises.slug}-exercises.pdf"'
        )
        assert answer.read().startswith(b"%PDF")


def test_a_shorter_lifetime_from_settings_is_the_links_lifetime(
    bucket_storage, s3_server, client, alice, class_with_exercises, settings
):
    settings.SIGNED_URL_SECONDS = 5
    client.force_login(alice)

    link = _pdf_link(client, class_with_exercises)

    assert s3_server.signed_link_works(link, at=SIGNED_AT + dt.timedelta(seconds=4))
    assert not s3_server.signed_link_works(link, at=SIGNED_AT + dt.timedelta(seconds=5))


def test_nothing_in_the_bucket_opens_without_a_signature(
    bucket_storage, s3_server, client, alice, class_with_exercises
):
    client.force_login(alice)
    signed = _pdf_link(client, class_with_exercises, at=dt.datetime.now(dt.UTC))
    stored = ExercisePdf.objects.get(lesson=class_with_exercises)
    assert stored.file_name in signed

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(signed.split("?")[0], timeout=10)  # noqa: S310
    assert refused.value.code == 403


@pytest.mark.parametrize("person", ["carol", "dave", "bob"])  # refunded, never enrolled, locked
def test_a_client_without_access_gets_the_page_that_says_why_not_a_signed_link(
    request, bucket_storage, client, class_with_exercises, person
):
    client.force_login(request.getfixturevalue(person))

    response = client.get(reverse("programs:lesson_pdf", args=[class_with_exercises.slug]))

    assert response.status_code == 403
    assert "Location" not in response
    assert b"X-Amz" not in response.content


def test_a_pdf_lost_from_the_bucket_is_rendered_again(
    bucket_storage, client, alice, class_with_exercises
):
    client.force_login(alice)
    url = reverse("programs:lesson_pdf", args=[class_with_exercises.slug])
    client.get(url)
    stored = ExercisePdf.objects.get(lesson=class_with_exercises)
    storages["private"].delete(stored.file_name)

    response = downloaded(client.get(url))

    assert response.status_code == 200
    assert storages["private"].exists(stored.file_name)


def test_copy_files_to_bucket_copies_every_local_file_once_and_resumes(
    s3_server, settings, tmp_path
):
    media = FileSystemStorage(location=settings.MEDIA_ROOT)
    private = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)
    media.save("exercises/4/bridge.webp", ContentFile(b"picture"))
    media.save("captions/week-1.vtt", ContentFile(b"WEBVTT"))
    media.save("kept-photos/abandoned.png", ContentFile(b"a form left after an error"))
    private.save("exercise-pdfs/week-1-abc.pdf", ContentFile(b"%PDF-1.7"))
    settings.STORAGES = {**settings.STORAGES, **s3_server.storages(s3_server.new_bucket())}
    # An earlier run stopped after one file, and left another half-written.
    storages["default"].save("captions/week-1.vtt", ContentFile(b"WEBVTT"))
    storages["default"].save("exercises/4/bridge.webp", ContentFile(b"pic"))

    first, again = io.StringIO(), io.StringIO()
    call_command("copy_files_to_bucket", stdout=first)
    call_command("copy_files_to_bucket", stdout=again)

    assert "3 files on this disk." in first.getvalue()
    assert f"[{'#' * 30}] 3/3" in first.getvalue()
    assert "2 copied, 1 already in the bucket." in first.getvalue()
    assert "0 copied, 3 already in the bucket." in again.getvalue()
    assert storages["default"].open("exercises/4/bridge.webp").read() == b"picture"
    assert storages["private"].open("exercise-pdfs/week-1-abc.pdf").read() == b"%PDF-1.7"
    _, media_names = storages["default"].listdir("exercises/4")
    assert media_names == ["bridge.webp"]


def test_copy_files_to_bucket_says_when_the_bucket_cannot_be_reached(s3_server, settings):
    FileSystemStorage(location=settings.MEDIA_ROOT).save("captions/a.vtt", ContentFile(b"WEBVTT"))
    settings.STORAGES = {**settings.STORAGES, **s3_server.storages("no-such-bucket")}

    with pytest.raises(CommandError, match="The bucket no-such-bucket cannot be reached"):
        call_command("copy_files_to_bucket", stdout=io.StringIO())


def test_captions_are_streamed_by_the_site_for_the_browser_to_play_them(
    bucket_storage, client, alice, program
):
    """A <track> loads only from the page's own origin: no redirect to the bucket."""
    lesson = program.lessons.filter(week__number=1).first()
    lesson.captions.save("class.vtt", ContentFile(b"WEBVTT\n\n00:00.000 --> 00:02.000\nHi\n"))
    client.force_login(alice)

    response = client.get(lesson.captions.url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"WEBVTT")


def test_with_the_bucket_down_a_download_says_files_are_briefly_unavailable(
    bucket_storage, s3_server, client, alice, class_with_exercises, settings
):
    closed = s3_server.storages("nowhere")
    for storage in closed.values():
        storage["OPTIONS"]["endpoint_url"] = "http://127.0.0.1:1"
    settings.STORAGES = {**settings.STORAGES, **closed}
    client.force_login(alice)

    response = client.get(reverse("programs:lesson_pdf", args=[class_with_exercises.slug]))
    page = client.get(class_with_exercises.get_absolute_url())

    assert response.status_code == 503
    assert "Our files are briefly unavailable" in response.text
    assert page.status_code == 200


def test_saving_an_exercise_without_a_new_picture_does_not_fetch_the_stored_one(
    bucket_storage, s3_server, program, settings
):
    exercise = ExerciseFactory(
        lesson=program.lessons.first(), name="Bridge", image_alt="A person on a mat"
    )
    exercise.image = ContentFile(_png(), name="bridge.png")
    exercise.save()
    # The bucket goes away: checking the form must not need it for a picture already stored.
    closed = s3_server.storages("nowhere")
    for storage in closed.values():
        storage["OPTIONS"]["endpoint_url"] = "http://127.0.0.1:1"
    settings.STORAGES = {**settings.STORAGES, **closed}
    exercise = type(exercise).objects.get(pk=exercise.pk)
    exercise.cues = "Press through the heels"

    exercise.full_clean()


def _png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#1e6b5c").save(buffer, format="PNG")
    return buffer.getvalue()


def test_copy_files_to_bucket_says_what_to_set_when_no_bucket_is_configured(db):
    with pytest.raises(CommandError, match="set S3_BUCKET"):
        call_command("copy_files_to_bucket", stdout=io.StringIO())
