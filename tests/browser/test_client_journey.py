import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from programs.models import Completion, Question
from tests.factories import PASSWORD, ExerciseFactory

from .conftest import LAPTOP, PHONE, last_code_sent_to, sign_in


@pytest.mark.browser_context_args(**PHONE)
def test_a_client_continues_then_walks_a_week_with_done_next_class(page, site, alice, program):
    week_one = list(program.lessons.filter(week__number=1).order_by("position"))
    week_one[0].video_url = "/static/video/demo-class.webm"
    week_one[0].save()
    sign_in(page, site, alice.email, PASSWORD)
    page.goto(f"{site}/program/")
    continue_link = page.get_by_role("link", name=week_one[0].title).first
    expect(continue_link).to_be_in_viewport()  # above the fold on a phone
    expect(page.get_by_text("Week 1 · Class 1")).to_be_visible()
    expect(page.locator(".progress-count")).to_have_text("0 of 24 classes done")

    continue_link.click()
    page.locator("video").evaluate("video => video.play()")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.2")
    for lesson in week_one[1:]:
        page.get_by_role("button", name="Done, next class").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    page.get_by_role("button", name="Done, finish week 1").click()

    expect(page.get_by_role("heading", name="Week 1 done!")).to_be_visible()
    page.get_by_role("link", name="Start week 2").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Week 2")
    page.get_by_role("link", name="My program").first.click()
    expect(page.locator(".progress-count")).to_have_text("3 of 24 classes done")
    expect(page.get_by_text("Week 2 · Class 1")).to_be_in_viewport()


@pytest.mark.browser_context_args(**PHONE)
def test_a_client_downloads_the_foot_and_ankle_reminder_and_the_detailed_pdf(
    page, site, alice, program
):
    foot = program.lessons.get(title="Foot & Ankle class")
    for position, name in enumerate(["Toe spreads", "Short foot", "Calf raises"]):
        ExerciseFactory(lesson=foot, name=name, position=position)
    sign_in(page, site, alice.email, PASSWORD)
    page.get_by_role("link", name="Foot & Ankle class").click()

    with page.expect_download() as reminder_download:
        page.get_by_role("link", name="One-page reminder (PDF)").click()
    with page.expect_download() as detailed_download:
        page.get_by_role("link", name="Detailed exercises (PDF)").click()

    reminder = PdfReader(reminder_download.value.path())
    assert len(reminder.pages) == 1
    assert "Alice" in reminder.pages[0].extract_text()
    assert detailed_download.value.suggested_filename == f"{foot.slug}-exercises.pdf"
    pdf = PdfReader(detailed_download.value.path())
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert text.index("Toe spreads") < text.index("Short foot") < text.index("Calf raises")


@pytest.mark.browser_context_args(**PHONE)
def test_a_client_signs_out_and_back_in_with_an_emailed_code(page, site, alice):
    sign_in(page, site, alice.email, PASSWORD)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="Send me a sign-in code").click()
    page.get_by_label("Email").fill(alice.email)
    page.get_by_role("button", name="Request Code").click()
    page.get_by_label("Code").fill(last_code_sent_to(alice.email))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Hello, Alice")).to_be_visible()


@pytest.mark.browser_context_args(**PHONE)
def test_week_two_opens_in_the_page_seven_days_later_and_progress_never_drops(
    page, site, bob, program
):
    for lesson in program.lessons.filter(week__number=1):
        Completion.objects.create(user=bob, lesson=lesson)
    sign_in(page, site, bob.email, PASSWORD)
    week_two = page.locator(".week-card").nth(1)
    expect(week_two).to_contain_text("Opens")
    expect(week_two.get_by_role("link")).to_have_count(0)
    expect(page.locator(".progress-count")).to_have_text("3 of 24 classes done")
    bar = page.get_by_role("img", name="3 of 24 classes done")
    expect(bar).to_have_attribute("aria-label", re.compile("21 not open yet"))

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=7, hours=7)):
        page.reload()
        expect(page.locator(".progress-count")).to_have_text("3 of 24 classes done")
        expect(bar).to_have_attribute("aria-label", re.compile("3 open and waiting; 18 not open"))
        expect(week_two.get_by_role("link", name="Week 2")).to_be_visible()
        week_two.get_by_role("link", name="Week 2").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Week 2")


@pytest.mark.browser_context_args(**LAPTOP)
def test_the_instructor_edits_a_cue_reorders_exercises_and_previews_day_15(
    page, site, browser, instructor, alice, program
):
    lesson = program.lessons.filter(week__number=1).order_by("position").first()
    first = ExerciseFactory(lesson=lesson, name="Pelvic tilts", position=0)
    second = ExerciseFactory(lesson=lesson, name="Knee rocks", position=1)

    page.goto(f"{site}/admin/")
    page.get_by_label("Email").fill(instructor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Your program")).to_be_visible()

    page.goto(f"{site}/admin/lessons/lesson/{lesson.pk}/change/")
    page.locator("#id_exercises-0-cues").fill("Rock the pelvis like a bowl of soup")
    page.locator("#exercises-0").get_by_role("button", name="Move to last position").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{site}/program/")
    page.get_by_label("Preview day").fill("15")
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator(".staff-bar")).to_contain_text("day 15")
    expect(page.get_by_role("link", name="Week 3", exact=False).first).to_be_visible()
    expect(page.locator(".week-card").nth(3)).to_contain_text("Opens")

    client_context = browser.new_context(**PHONE)
    client_page = client_context.new_page()
    sign_in(client_page, site, alice.email, PASSWORD)
    client_page.goto(f"{site}{lesson.get_absolute_url()}")
    names = client_page.locator(".exercise h3").all_inner_texts()
    assert names.index(second.name) < names.index(first.name)
    expect(client_page.get_by_text("Rock the pelvis like a bowl of soup")).to_be_visible()
    client_context.close()


@pytest.mark.browser_context_args(**PHONE)
def test_a_client_asks_the_instructor_about_a_class(page, site, alice, program):
    lesson = program.lessons.filter(week__number=1).first()
    sign_in(page, site, alice.email, PASSWORD)
    page.goto(site + lesson.get_absolute_url())

    page.get_by_text("about this class").click()
    page.get_by_role("button", name="Send question").click()
    expect(page.get_by_text("Write your question first")).to_be_visible()
    page.get_by_label("Your question").fill("Should the stretch be felt in the groin?")
    page.get_by_role("button", name="Send question").click()

    expect(page.get_by_text("Your question is on its way")).to_be_visible()
    assert Question.objects.get().message == "Should the stretch be felt in the groin?"
    assert [message.reply_to for message in mail.outbox] == [[alice.email]]


@pytest.mark.browser_context_args(**PHONE)
def test_a_client_finds_their_time_zone_by_typing_a_city(page, site, alice):
    sign_in(page, site, alice.email, PASSWORD)
    page.goto(f"{site}/account/settings/")
    expect(
        page.get_by_role("button", name="Use this device’s time zone: Lisbon (Portugal)")
    ).to_be_visible()

    search = page.get_by_label("Find your city in the list of time zones")
    search.fill("xyzzy")
    expect(page.get_by_text("No place matches “xyzzy”")).to_be_visible()
    expect(page.get_by_role("combobox", name="Time zone")).to_have_value("America/New_York")
    search.fill("india")  # Kolkata (India) and the Indiana towns: she chooses, typing does not
    expect(page.get_by_text("places match: choose yours")).to_be_visible()
    expect(page.get_by_role("combobox", name="Time zone")).to_have_value("America/New_York")
    search.fill("tokyo")
    expect(page.get_by_role("combobox", name="Time zone")).to_have_value("Asia/Tokyo")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Your settings are saved")).to_be_visible()
    alice.refresh_from_db()
    assert alice.time_zone == "Asia/Tokyo"
