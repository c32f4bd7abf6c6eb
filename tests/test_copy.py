"""Copy made from the program's own data, and dates written as people write them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from lib.when import moment, place_and_time, sentence
from tests.factories import build_program

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("weeks", "phrase"),
    [(8, "an 8-week program"), (9, "a 9-week program"), (11, "an 11-week program"),
     (12, "a 12-week program")],
)  # fmt: skip
def test_the_program_length_is_counted_with_the_right_article(db, client, weeks, phrase):
    program = build_program(weeks=weeks, classes_per_week=1, bonus=0)
    assert program.length_phrase == phrase
    page = client.get(reverse("programs:sales")).content.decode()
    assert f"{phrase[0].upper()}{phrase[1:]} for stronger, healthier hips" in page  # the footer
    assert f"{weeks} weeks to stronger, healthier hips" in page  # the title
    assert f"{phrase[0].upper()}{phrase[1:]} on video" in page  # the hero


def test_a_draft_week_is_not_counted(db):
    program = build_program(weeks=9, classes_per_week=1, bonus=0)
    program.weeks.filter(number=9).update(status="draft")
    assert program.length_phrase == "an 8-week program"


def test_times_are_written_as_people_write_them():
    assert moment(dt.datetime(2026, 3, 3, 6, 0, tzinfo=NEW_YORK)) == "Tuesday, March 3 at 6:00 a.m."
    assert moment(dt.datetime(2026, 3, 3, 18, 30, tzinfo=NEW_YORK)) == (
        "Tuesday, March 3 at 6:30 p.m."
    )
    # The start of a day is the day, never "12:00 a.m.".
    assert moment(dt.datetime(2026, 3, 3, 0, 0, tzinfo=NEW_YORK)) == "Tuesday, March 3"


def test_a_sentence_ends_with_one_full_stop_after_a_time():
    assert sentence("Tuesday, March 3 at 6:00 a.m.") == "Tuesday, March 3 at 6:00 a.m."
    assert sentence("Tuesday, March 3") == "Tuesday, March 3."


def test_a_time_zone_is_shown_as_a_place_and_its_time():
    now = dt.datetime(2026, 3, 3, 14, 41, tzinfo=dt.UTC)
    assert place_and_time("America/New_York", now) == "New York, 9:41 a.m."
    assert place_and_time("Asia/Kolkata", now) == "Kolkata, 8:11 p.m."
