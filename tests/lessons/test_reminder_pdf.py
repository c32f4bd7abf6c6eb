"""The one-page reminder: the client's name and day, a tick box a day, any text printable."""

import io
import logging

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import ExerciseFactory

DAYS = 7


@pytest.fixture
def foot_and_ankle(program):
    lesson = program.lessons.get(title="Foot & Ankle class")
    cues = ["Spread your toes wide 🦶 and breathe 🙂", "Lève le talon, doucement", "つま先を広げる"]
    for n in range(9):
        ExerciseFactory(lesson=lesson, name=f"Foot exercise {n + 1}", cues=cues[n % 3], position=n)
    return lesson


def _reminder(client, lesson, **headers):
    return client.get(reverse("programs:reminder_pdf", args=[lesson.slug]), **headers)


def _fonts(reader) -> set[str]:
    return {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_the_foot_and_ankle_reminder_is_one_page_with_name_and_seven_boxes_each(
    client, alice, foot_and_ankle
):
    alice.last_name = "Okafor"
    alice.save()
    client.force_login(alice)

    response = _reminder(client, foot_and_ankle)

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{foot_and_ankle.slug}-reminder.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Alice Okafor" in text
    assert "Printed" in text
    assert text.count("☐") == DAYS * 9
    assert "Lève le talon" in text
    # The emoji is drawn from the colour emoji font, not as an empty box of the text font.
    assert "Noto-Color-Emoji" in _fonts(reader)
    assert "Noto-Sans-CJK-JP" in _fonts(reader)


def test_ten_exercises_still_fit_one_page_on_letter_and_a4(client, alice, foot_and_ankle):
    ExerciseFactory(lesson=foot_and_ankle, name="Tenth", cues="A long cue " * 20, position=10)
    client.force_login(alice)
    for headers, width in [({"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}, 612), ({}, 595)]:
        reader = PdfReader(io.BytesIO(_reminder(client, foot_and_ankle, **headers).content))
        assert len(reader.pages) == 1
        assert round(float(reader.pages[0].mediabox.width)) == width


def test_the_client_may_choose_the_paper(client, alice, foot_and_ankle):
    client.force_login(alice)
    url = reverse("programs:reminder_pdf", args=[foot_and_ankle.slug])
    reader = PdfReader(
        io.BytesIO(client.get(f"{url}?paper=a4", HTTP_ACCEPT_LANGUAGE="en-US").content)
    )
    assert round(float(reader.pages[0].mediabox.width)) == 595


def test_a_reminder_is_cached_for_its_person_and_day(client, alice, bob, foot_and_ankle, caplog):
    caplog.set_level(logging.INFO, logger="lessons.pdf")
    client.force_login(alice)
    _reminder(client, foot_and_ankle)
    _reminder(client, foot_and_ankle)
    client.force_login(bob)
    bobs = PdfReader(io.BytesIO(_reminder(client, foot_and_ankle).content))

    renders = [r for r in caplog.records if r.getMessage().startswith("Rendered")]
    assert len(renders) == 2  # Alice's once, then Bob's
    assert "Bob" in bobs.pages[0].extract_text()


def test_a_locked_or_refunded_client_gets_no_reminder(client, bob, carol, program):
    locked = program.lessons.filter(week__number=3).first()
    ExerciseFactory(lesson=locked)
    client.force_login(bob)
    assert _reminder(client, locked).status_code == 403
    client.force_login(carol)
    refused = _reminder(client, locked)
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("text/html")
