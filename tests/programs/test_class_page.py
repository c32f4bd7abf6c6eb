import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from lessons.video import find_video, validate_video_url
from tests.buckets import downloaded
from tests.factories import ExerciseFactory

CAPTIONS = b"WEBVTT\n\n00:00.000 --> 00:02.000\nHello\n"


def _week_one_lesson(program):
    return program.lessons.filter(week__number=1).order_by("position").first()


def test_a_video_file_plays_in_the_page_with_the_uploaded_captions(client, alice, program):
    lesson = _week_one_lesson(program)
    lesson.video_url = "/static/video/demo-class.webm"
    lesson.captions.save("class.vtt", ContentFile(CAPTIONS))
    client.force_login(alice)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert (
        '<video controls preload="none" playsinline poster="/static/img/video-poster.svg" '
        'src="/static/video/demo-class.webm">' in page
    )
    assert '<track kind="captions" src="/media/captions/class' in page


def test_a_youtube_class_makes_no_request_to_youtube_until_play_is_pressed(client, alice, program):
    lesson = _week_one_lesson(program)
    lesson.video_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    lesson.save()
    client.force_login(alice)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "<iframe" not in page
    assert 'data-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page
    assert "Play video" in page


def test_only_video_links_the_page_can_play_are_accepted():
    for good in [
        "https://youtu.be/dQw4w9WgXcQ",
        "https://vimeo.com/123456789",
        "https://cdn.example.com/classes/week-1.mp4",
        "/static/video/demo-class.webm",
    ]:
        validate_video_url(good)
    bad_links = ["javascript:alert(1)", "//evil.example/x.mp4", "/media/week-1.mp4"]
    # Words and years are not video ids.
    for bad in [*bad_links, "coming-soon", "placeholder", "2024"]:
        with pytest.raises(ValidationError, match="YouTube, Vimeo or Bunny Stream"):
            validate_video_url(bad)
    with pytest.raises(ValidationError, match="starts with http://: use the https://"):
        validate_video_url("http://www.youtube.com/watch?v=dQw4w9WgXcQ")


@pytest.mark.parametrize(
    "link, embed",
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/123456789", "https://player.vimeo.com/video/123456789"),
        ("https://vimeo.com/123456789/abcdef1234", "https://player.vimeo.com/video/123456789?h=abcdef1234"),
        ("https://player.vimeo.com/video/123456789?h=abcdef1234&badge=0", "https://player.vimeo.com/video/123456789?h=abcdef1234"),
    ],
)  # fmt: skip
def test_each_youtube_and_vimeo_link_form_plays_and_unlisted_vimeo_keeps_its_hash(link, embed):
    validate_video_url(link)
    assert find_video(link).embed_url == embed


BUNNY_VIDEO = "8f2c1a3e-5b7d-4c9e-a1f0-2d3b4c5e6f70"


@pytest.mark.parametrize(
    "link",
    [
        f"https://iframe.mediadelivery.net/play/12345/{BUNNY_VIDEO}",
        f"https://iframe.mediadelivery.net/embed/12345/{BUNNY_VIDEO}?autoplay=false",
        f"https://video.bunnycdn.com/play/12345/{BUNNY_VIDEO}",
    ],
)
def test_a_bunny_stream_link_plays_with_a_token_that_expires(link, settings):
    settings.BUNNY_STREAM_TOKEN_KEY = "library-secret"
    settings.BUNNY_STREAM_TOKEN_SECONDS = 3 * 60 * 60
    validate_video_url(link)
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False):
        embed = find_video(link).embed_url
    expires = int(dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC).timestamp())
    token = hashlib.sha256(f"library-secret{BUNNY_VIDEO}{expires}".encode()).hexdigest()
    assert embed == (
        f"https://iframe.mediadelivery.net/embed/12345/{BUNNY_VIDEO}?token={token}&expires={expires}"
    )


def test_a_bunny_embed_is_built_only_for_a_client_who_may_open_the_class(
    client, alice, bob, program, settings
):
    settings.BUNNY_STREAM_TOKEN_KEY = "library-secret"
    lesson = program.lessons.filter(week__number=2).first()
    lesson.video_url = f"https://iframe.mediadelivery.net/play/12345/{BUNNY_VIDEO}"
    lesson.save()
    client.force_login(alice)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert 'data-embed="https://iframe.mediadelivery.net/embed/12345/' in page
    assert "token=" in page
    assert lesson.video_url not in page  # no permanent link to copy
    client.force_login(bob)  # week 2 is not open for Bob
    locked = client.get(lesson.get_absolute_url())
    assert locked.status_code == 403
    assert "mediadelivery" not in locked.content.decode()


def test_a_bare_video_id_plays_from_its_provider_with_a_link_to_its_own_page(
    client, alice, program, settings
):
    settings.BUNNY_STREAM_LIBRARY_ID = "12345"
    lesson = _week_one_lesson(program)
    client.force_login(alice)
    for video_id, embed, own_page in [
        ("dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        ("123456789", "https://player.vimeo.com/video/123456789", "https://vimeo.com/123456789"),
        (BUNNY_VIDEO, f"https://iframe.mediadelivery.net/embed/12345/{BUNNY_VIDEO}", None),
    ]:  # fmt: skip
        validate_video_url(video_id)
        lesson.video_url = video_id
        lesson.save()
        page = client.get(lesson.get_absolute_url()).content.decode()
        assert f'data-embed="{embed}"' in page
        assert (f'href="{own_page}"' in page) if own_page else ("Or watch it on" not in page)


def test_a_bunny_video_id_alone_needs_the_whole_link_when_no_library_is_set(settings):
    settings.BUNNY_STREAM_LIBRARY_ID = ""
    with pytest.raises(ValidationError, match="Paste the whole Bunny Stream link"):
        validate_video_url(BUNNY_VIDEO)


@pytest.mark.parametrize(
    "link, says",
    [
        ("https://www.dropbox.com/s/abc/week-1.mp4?dl=0", "a Dropbox page"),
        ("https://drive.google.com/file/d/1AbC/view?usp=sharing", "a Google Drive page"),
    ],
)
def test_a_sharing_page_link_is_refused_with_what_to_paste_instead(link, says):
    with pytest.raises(ValidationError, match=f"This is {says}.*paste that link here"):
        validate_video_url(link)


def test_the_week_page_offers_a_pdf_only_when_the_week_has_exercises(client, alice, program):
    client.force_login(alice)
    week_page = reverse("programs:week", args=[1])
    assert "exercises.pdf" not in client.get(week_page).content.decode()
    ExerciseFactory(lesson=_week_one_lesson(program))
    assert reverse("programs:week_pdf", args=[1]) in client.get(week_page).content.decode()


@pytest.fixture
def pictured_lessons(program):
    """A week-1 and a week-3 class, each with an exercise picture and captions."""
    lessons = {}
    for number in (1, 3):
        lesson = program.lessons.filter(week__number=number).first()
        lesson.captions.save(f"week-{number}.vtt", ContentFile(CAPTIONS))
        exercise = ExerciseFactory(lesson=lesson, image_alt="A person on a mat")
        exercise.image = SimpleUploadedFile(f"w{number}.png", _png(), content_type="image/png")
        exercise.save()
        lessons[number] = (lesson, exercise)
    return lessons


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#1e6b5c").save(buffer, format="PNG")
    return buffer.getvalue()


def _file_urls(lesson, exercise):
    return [lesson.captions.url, exercise.image.url, exercise.thumbnail.url]


@pytest.mark.usefixtures("file_storage")
def test_pictures_and_captions_of_an_open_class_are_served_to_its_client(
    client, alice, pictured_lessons
):
    lesson, exercise = pictured_lessons[1]
    client.force_login(alice)
    for url, stored in zip(
        _file_urls(lesson, exercise),
        [lesson.captions, exercise.image, exercise.thumbnail],
        strict=True,
    ):
        assert url.startswith("/media/")
        response = downloaded(client.get(url))
        assert response.status_code == 200, url
        assert response.content == stored.open("rb").read()
        assert response["Cache-Control"] == "private, max-age=86400"


@pytest.mark.usefixtures("file_storage")
def test_pictures_and_captions_of_a_locked_class_are_not_served(
    client, alice, dave, pictured_lessons
):
    locked = _file_urls(*pictured_lessons[3])
    for url in locked:
        assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(dave)
    assert all(client.get(url).status_code == 403 for url in locked)
    client.force_login(alice)
    assert all(client.get(url).status_code == 404 for url in locked)


@pytest.mark.usefixtures("file_storage")
def test_staff_get_every_picture_and_unknown_media_paths_do_not_exist(
    client, instructor, pictured_lessons
):
    client.force_login(instructor)
    assert all(
        downloaded(client.get(url)).status_code == 200 for url in _file_urls(*pictured_lessons[3])
    )
    assert client.get("/media/../healhips/settings.py").status_code == 404
    assert client.get("/media/exercises/none.webp").status_code == 404
