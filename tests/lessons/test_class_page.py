import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from lessons.models import validate_video_url
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
        '<video controls preload="metadata" playsinline src="/static/video/demo-class.webm">'
        in page
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
        "/media/videos/week-1.webm",
    ]:
        validate_video_url(good)
    for bad in ["javascript:alert(1)", "//evil.example/x.mp4", "http://plain.example/a.mp4"]:
        with pytest.raises(ValidationError, match="YouTube or Vimeo"):
            validate_video_url(bad)


def test_the_week_page_offers_a_pdf_only_when_the_week_has_exercises(client, alice, program):
    client.force_login(alice)
    week_page = reverse("programs:week", args=[1])
    assert "exercises.pdf" not in client.get(week_page).content.decode()
    ExerciseFactory(lesson=_week_one_lesson(program))
    assert reverse("programs:week_pdf", args=[1]) in client.get(week_page).content.decode()
