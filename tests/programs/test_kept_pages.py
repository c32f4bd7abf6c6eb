"""A client's pages are kept once built (`programs.pages`) and served again until something on
them changes: their own records, whoever writes them and however (a form, the admin, a bulk
update, another web node), the content, or the clock. Nobody ever sees a page kept for
somebody else, or one that a change has made wrong."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journal.models import Practice
from programs import services
from programs.models import Completion, Enrollment
from tests.factories import enroll_days_ago

DASHBOARD = reverse("programs:dashboard")


@pytest.fixture
def first_class(program):
    return program.lessons.get(week__number=1, position=0)


def _seen(client, url) -> str:
    """The page as the client sees it now, from a view that is itself kept and served again
    (the first view may carry a one-time message)."""
    client.get(url)
    built, kept = client.get(url), client.get(url)
    assert built.status_code == kept.status_code == 200
    assert kept.text == built.text
    return kept.text


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_kept_page_is_served_without_reading_the_clients_records(client, alice, first_class):
    client.force_login(alice)
    pages = [
        DASHBOARD,
        reverse("programs:week", args=[1]),
        first_class.get_absolute_url(),
        reverse("journal:progress"),
    ]
    for url in pages:
        _seen(client, url)
        # The user (signing in) and the program's versions: nothing else.
        assert _queries(client, url) == 2, url


def test_a_ticked_class_shows_at_once_on_every_kept_page(client, alice, first_class):
    client.force_login(alice)
    class_url = first_class.get_absolute_url()
    assert "You finished this class" not in _seen(client, class_url)
    assert "<strong>0 of" in _seen(client, DASHBOARD)

    client.post(reverse("programs:lesson_done", args=[first_class.slug]), {"done": "1"})

    assert "You finished this class" in _seen(client, class_url)
    assert "<strong>1 of" in _seen(client, DASHBOARD)


def test_records_written_elsewhere_show_at_once(client, alice, first_class):
    """Another web node, the admin or a task writes straight to the database: the kept page
    is not served once the client's records have changed, however they were written."""
    client.force_login(alice)
    assert "<strong>0 of" in _seen(client, DASHBOARD)

    Completion.objects.create(user=alice, lesson=first_class)
    assert "<strong>1 of" in _seen(client, DASHBOARD)

    Completion.objects.filter(user=alice).delete()
    assert "<strong>0 of" in _seen(client, DASHBOARD)

    Practice.objects.create(user=alice, lesson=first_class, pain=3, note="Stiff on the left")
    assert "Stiff on the left" in _seen(client, reverse("journal:progress"))
    Practice.objects.filter(user=alice).update(note="Easier today")
    assert "Easier today" in _seen(client, reverse("journal:progress"))


def test_a_pause_the_instructor_sets_shows_at_once(client, alice, instructor):
    client.force_login(alice)
    assert "Paused" not in _seen(client, DASHBOARD)

    enrollment = Enrollment.objects.get(user=alice)
    services.pause(enrollment, by=instructor, starts_on=timezone.localdate(), days=7)

    assert "Your program is paused" in _seen(client, DASHBOARD)


def test_access_ended_in_bulk_is_not_served_from_a_kept_page(client, alice):
    client.force_login(alice)
    _seen(client, DASHBOARD)

    services.end_access(Enrollment.objects.get(user=alice), Enrollment.Status.REVOKED)

    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response.url == reverse("programs:sales")


def test_a_new_name_shows_at_once(client, alice):
    client.force_login(alice)
    assert "Hello, Alice" in _seen(client, DASHBOARD)
    alice.first_name = "Ally"
    alice.save()
    assert "Hello, Ally" in _seen(client, DASHBOARD)


def test_an_edited_class_shows_at_once_on_a_kept_page(client, alice, first_class):
    client.force_login(alice)
    _seen(client, first_class.get_absolute_url())
    first_class.title = "Pelvis, gently"
    first_class.save()
    assert "Pelvis, gently" in _seen(client, first_class.get_absolute_url())


def test_a_week_opening_ends_the_kept_page(client, program, dave):
    """Week 2 opens at the unlock hour on day 8: the page kept the evening before is not served
    the morning after."""
    opens = enroll_days_ago(dave, program, 6).week_opens_at(2)
    client.force_login(dave)
    with time_machine.travel(opens - dt.timedelta(hours=8), tick=False):
        assert "week 2 opens" in _seen(client, DASHBOARD)
    with time_machine.travel(opens + dt.timedelta(minutes=1), tick=False):
        assert "week 3 opens" in _seen(client, DASHBOARD)


def test_the_last_day_of_a_week_ends_the_kept_page(client, program, dave):
    """From a day before week 2 opens, the dashboard offers to repeat week 1."""
    opens = enroll_days_ago(dave, program, 5).week_opens_at(2)
    client.force_login(dave)
    with time_machine.travel(opens - dt.timedelta(days=1, minutes=30), tick=False):
        assert "Last day of the week" not in _seen(client, DASHBOARD)
    with time_machine.travel(opens - dt.timedelta(days=1) + dt.timedelta(minutes=1), tick=False):
        assert "Last day of the week" in _seen(client, DASHBOARD)


def test_stopping_reminders_from_an_email_shows_at_once(client, alice):
    client.force_login(alice)
    assert "(no reminders)" not in _seen(client, DASHBOARD)
    alice.stop_emails("reminders")
    assert "(no reminders)" in _seen(client, DASHBOARD)


def test_one_client_never_sees_a_page_kept_for_another(alice, bob, first_class):
    browsers = {alice: Client(), bob: Client()}
    for user, browser in browsers.items():
        browser.force_login(user)
    Completion.objects.create(user=alice, lesson=first_class)
    alice_page = _seen(browsers[alice], DASHBOARD)
    bob_page = _seen(browsers[bob], DASHBOARD)
    assert "Hello, Alice" in alice_page and "<strong>1 of" in alice_page
    assert "Hello, Bob" in bob_page and "<strong>0 of" in bob_page


def test_the_forms_on_a_kept_page_work_in_the_browser_it_was_kept_for(alice, first_class):
    """A kept page carries a CSRF token made from its browser's secret: the same browser's
    forms go through; another browser (another secret) gets a page of its own."""
    phone, laptop = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (phone, laptop):
        browser.force_login(alice)
    class_url = first_class.get_absolute_url()
    _seen(phone, class_url)
    laptop_page = _seen(laptop, class_url)
    token = phone.get(class_url).text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert token not in laptop_page

    done = phone.post(
        reverse("programs:lesson_done", args=[first_class.slug]),
        {"done": "1", "csrfmiddlewaretoken": token},
    )
    assert done.status_code == 302
    assert Completion.objects.filter(user=alice, lesson=first_class).exists()


def test_a_one_time_message_is_shown_once(client, alice, first_class):
    client.force_login(alice)
    class_url = first_class.get_absolute_url()
    _seen(client, class_url)
    client.post(reverse("programs:lesson_done", args=[first_class.slug]), {"done": "0"})

    assert "is no longer marked done" in client.get(class_url).text
    assert "is no longer marked done" not in client.get(class_url).text


@pytest.mark.usefixtures("program")
def test_staff_pages_are_never_kept(client, instructor):
    client.force_login(instructor)
    first, second = client.get(DASHBOARD).text, client.get(DASHBOARD).text
    assert first != second  # built each time: each carries its own masked CSRF token
    client.post(reverse("programs:preview"), {"day": 1})
    client.get(DASHBOARD)  # with the message that the preview started
    assert "on <strong>day 1</strong>" in client.get(DASHBOARD).text
    client.post(reverse("programs:preview"), {"stop": "1"})
    client.get(DASHBOARD)
    assert "Instructor view: you see every week." in client.get(DASHBOARD).text


def test_new_practice_days_show_at_once_in_the_calendar_feed(client, alice):
    enrollment = Enrollment.objects.get(user=alice)
    feed = reverse("programs:calendar_feed", args=[enrollment.calendar_token])
    assert "BYDAY=MO,WE,FR" in _seen(client, feed)

    enrollment.practice_days = 0b0000011  # Monday and Tuesday
    enrollment.save()

    assert "BYDAY=MO,TU" in _seen(client, feed)


def test_the_clients_page_shows_a_clients_new_record_at_once(client, instructor, alice):
    """Alice, ten days in with no practice, is flagged as quiet until she logs one."""
    quiet = reverse("journal:clients") + "?flag=quiet"
    name = alice.get_full_name() or alice.email
    client.force_login(instructor)
    assert name in _seen(client, quiet)

    lesson = alice.enrollments.get().program.lessons.get(week__number=1, position=0)
    Practice.objects.create(user=alice, lesson=lesson, pain=2)

    assert name not in _seen(client, quiet)


def test_the_clients_page_shows_what_the_clock_changes_within_minutes(
    client, instructor, program, dave
):
    """Dave, who never practised, becomes quiet seven days after his start, with nobody writing
    anything: the page kept a minute before shows it a few minutes after."""
    quiet = reverse("journal:clients") + "?flag=quiet"
    name = dave.get_full_name() or dave.email
    quiet_from = enroll_days_ago(dave, program, 5).week_opens_at(1) + dt.timedelta(days=7)
    client.force_login(instructor)
    with time_machine.travel(quiet_from - dt.timedelta(minutes=1), tick=False):
        assert name not in _seen(client, quiet)
    with time_machine.travel(quiet_from + dt.timedelta(minutes=6), tick=False):
        assert name in _seen(client, quiet)
