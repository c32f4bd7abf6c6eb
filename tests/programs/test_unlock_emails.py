import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from outbox import services as outbox
from outbox.delivery import STALE_AFTER
from outbox.models import Email
from programs import notices, services
from programs.models import Enrollment, Notice
from tests.factories import EmailFactory, UserFactory, build_program, enroll_days_ago

UTC = dt.UTC
# A Sunday, a week before the United States move their clocks forward and five weeks before
# Sydney moves its clocks back: every client below crosses a DST change.
ENROLLED_AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
QUARTER_HOUR = dt.timedelta(minutes=15)


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the sweep as beat does; with eager tasks its emails land in mail.outbox."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return notices.sweep(**kwargs)

    return run


@pytest.fixture
def enroll(django_capture_on_commit_callbacks):
    def run(user, program, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            enrollment, _ = services.enroll(user, program, **kwargs)
        return enrollment

    return run


def _near_six_am_somewhere(now, zones) -> bool:
    return any(5 <= now.astimezone(zoneinfo.ZoneInfo(zone)).hour < 7 for zone in zones)


def test_over_sixty_days_each_client_gets_welcome_seven_weeks_and_complete_at_local_six_am(
    program, sweep, enroll
):
    zones = ["America/Los_Angeles", "Asia/Kolkata", "Australia/Sydney"]
    received = {zone: [] for zone in zones}
    with time_machine.travel(ENROLLED_AT, tick=False) as traveller:
        enrollments = [
            enroll(UserFactory(email=f"client-{n}@example.com", time_zone=zone), program)
            for n, zone in enumerate(zones)
        ]
        now = ENROLLED_AT
        while now < ENROLLED_AT + dt.timedelta(days=60):
            for message in mail.outbox:
                received[User.objects.get(email=message.to[0]).time_zone].append(
                    (message.subject, now)
                )
            mail.outbox.clear()
            now += QUARTER_HOUR
            # Beat sweeps every quarter hour. To keep the test fast, ticks when no client is near
            # 6 a.m. are skipped: an email due at any other hour would arrive at the next tick
            # that runs, at a time the assertions below reject.
            if _near_six_am_somewhere(now, zones):
                traveller.move_to(now)
                sweep()

    for enrollment in enrollments:
        opens = enrollment.week_opens_at
        assert received[enrollment.user.time_zone] == [
            ("Welcome to Heal Your Hips", ENROLLED_AT),
            *[(f"Week {n} is open: Week {n} title", opens(n)) for n in range(2, 9)],
            ("You finished Heal Your Hips!", opens(9)),
        ]
        local_times = {
            at.astimezone(enrollment.zone).time()
            for _, at in received[enrollment.user.time_zone][1:]
        }
        assert local_times == {dt.time(6)}


def test_sweeping_twice_sends_each_due_email_once(alice, bob, sweep, told_through):
    told_through(alice.enrollments.get(), 1)
    told_through(bob.enrollments.get(), 1)

    sweep()
    sweep()

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["alice@example.com"], "Week 2 is open: Week 2 title")
    ]
    notice = Notice.objects.get(week=2)
    assert (notice.email.state, notice.email.attempts, notice.kind) == ("sent", 1, "week")


def test_a_start_date_moved_back_sends_one_summary_not_a_burst_of_old_weeks(
    bob, sweep, told_through
):
    enrollment = bob.enrollments.get()
    told_through(enrollment, 1)
    enrollment.starts_on -= dt.timedelta(days=30)
    enrollment.save()

    sweep()
    sweep()

    assert [m.subject for m in mail.outbox] == ["Weeks 1 to 5 are open"]
    assert "Week 5: Week 5 title" in mail.outbox[0].body


def test_unlock_all_sends_one_summary_then_the_congratulations_on_the_calendar_date(
    alice, sweep, told_through
):
    enrollment = alice.enrollments.get()
    told_through(enrollment, 2)
    services.unlock_everything(enrollment)

    sweep()
    sweep()
    assert [m.subject for m in mail.outbox] == ["Weeks 1 to 8 are open"]

    with time_machine.travel(enrollment.week_opens_at(9) - QUARTER_HOUR, tick=False):
        sweep()
    assert len(mail.outbox) == 1
    with time_machine.travel(enrollment.week_opens_at(9), tick=False):
        sweep()
    assert mail.outbox[-1].subject == "You finished Heal Your Hips!"


def test_a_client_enrolled_with_a_past_start_date_gets_one_welcome_covering_the_open_weeks(
    program, sweep, enroll
):
    today = dt.datetime.now(UTC).astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
    enroll(UserFactory(), program, starts_on=today - dt.timedelta(days=15))
    sweep()

    assert [m.subject for m in mail.outbox] == ["Welcome to Heal Your Hips"]
    assert "Weeks 1 to 3 are open now" in mail.outbox[0].body


def test_the_welcome_links_to_week_one_and_the_foot_and_ankle_class(program, enroll):
    enroll(UserFactory(first_name="Erin"), program)

    (welcome,) = mail.outbox
    html = welcome.alternatives[0][0]
    assert "Hi Erin" in welcome.body
    assert f"{settings.SITE_URL}/program/week/1/" in welcome.body
    assert "Foot & Ankle class" in welcome.body
    assert "Foot &amp; Ankle class" in html
    assert f'href="{settings.SITE_URL}/program/week/1/"' in html


def test_clients_without_access_get_no_program_emails(alice, carol, sweep, told_through):
    told_through(carol.enrollments.get(), 1)
    enrollment = alice.enrollments.get()
    told_through(enrollment, 1)
    services.end_access(enrollment, Enrollment.Status.SUSPENDED)

    sweep()

    assert mail.outbox == []
    assert Email.objects.filter(state="pending").count() == 0


def test_unsubscribed_clients_get_no_weekly_email_but_still_get_account_emails(
    program, client, sweep, enroll, django_capture_on_commit_callbacks
):
    user = UserFactory(email="quiet@example.com", wants_program_emails=False)
    with time_machine.travel(ENROLLED_AT, tick=False) as traveller:
        enroll(user, program)
        traveller.move_to(ENROLLED_AT + dt.timedelta(days=30))
        sweep()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("account_reset_password"), {"email": user.email})

    assert [m.subject for m in mail.outbox] == [
        "Welcome to Heal Your Hips",
        "[Heal Your Hips] Password Reset Email",
    ]


def test_a_client_who_unsubscribes_after_the_sweep_is_not_sent_the_queued_email(
    alice, django_capture_on_commit_callbacks, told_through
):
    told_through(alice.enrollments.get(), 1)
    with django_capture_on_commit_callbacks() as queued:
        notices.sweep()
    alice.stop_emails("program")
    for send in queued:
        send()

    assert mail.outbox == []
    assert Notice.objects.get(week=2).email.state == "skipped"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_enrollment_enqueues_nothing(program):
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.enroll(user, program)
        raise RuntimeError("payment record failed")

    assert mail.outbox == []
    assert not Enrollment.objects.exists()
    assert not Notice.objects.exists()

    services.enroll(user, program)
    assert [m.subject for m in mail.outbox] == ["Welcome to Heal Your Hips"]


@pytest.fixture
def sweep_outbox(django_capture_on_commit_callbacks):
    """Run the outbox's sweep as beat does, every minute; eager tasks send at once."""

    def run(at=None):
        with django_capture_on_commit_callbacks(execute=True):
            return outbox.sweep(at)

    return run


def _sweep_outbox_every_quarter_hour(traveller, sweep_outbox, start, hours):
    """Move the clock on from `start`, running the outbox sweep every 15 minutes for `hours`."""
    for minutes in range(0, hours * 60, 15):
        traveller.move_to(start + dt.timedelta(minutes=minutes))
        sweep_outbox()


def test_an_smtp_server_that_keeps_refusing_is_given_up_visibly_once_the_email_is_stale(
    alice, settings, smtp_server, sweep, sweep_outbox, told_through
):
    smtp_server.use_for_django(settings)
    smtp_server.refuse = 10_000
    told_through(alice.enrollments.get(), 1)
    start = dt.datetime.now(UTC)
    with time_machine.travel(start, tick=False) as traveller:
        sweep()
        email = Notice.objects.get(week=2).email
        _sweep_outbox_every_quarter_hour(traveller, sweep_outbox, start, hours=6 * 24)

    email.refresh_from_db()
    assert email.state == "failed"
    assert email.last_error.startswith("Gave up")
    assert "451" in email.last_error
    assert smtp_server.messages == []


def test_a_mail_outage_of_three_days_loses_no_email_and_sends_each_once(
    alice, bob, settings, smtp_server, sweep, sweep_outbox, told_through
):
    smtp_server.use_for_django(settings)
    smtp_server.refuse = 10_000
    told_through(alice.enrollments.get(), 1)
    start = dt.datetime.now(UTC)
    with time_machine.travel(start, tick=False) as traveller:
        sweep()
        _sweep_outbox_every_quarter_hour(traveller, sweep_outbox, start, hours=3 * 24)
        assert smtp_server.messages == []
        smtp_server.refuse = 0
        back = start + dt.timedelta(days=3)
        _sweep_outbox_every_quarter_hour(traveller, sweep_outbox, back, hours=3)

    assert sorted((m["To"], m["Subject"]) for m in smtp_server.wait_for(2)) == [
        ("alice@example.com", "Week 2 is open: Week 2 title"),
        ("bob@example.com", "Welcome to Heal Your Hips"),
    ]
    assert set(Email.objects.values_list("state", flat=True)) == {"sent"}


def test_the_admin_retry_action_sends_a_failed_email_again(
    alice,
    instructor,
    client,
    smtp_server,
    settings,
    told_through,
    django_capture_on_commit_callbacks,
):
    smtp_server.use_for_django(settings)
    notice = told_through(alice.enrollments.get(), 2)
    Email.objects.filter(pk=notice.email_id).update(state="failed", attempts=6, due_at=None)
    client.force_login(instructor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:outbox_email_changelist"),
            {"action": "retry", "_selected_action": [notice.email_id]},
        )

    assert response.status_code == 302
    notice.email.refresh_from_db()
    assert (notice.email.state, notice.email.attempts) == ("sent", 1)
    assert [m["Subject"] for m in smtp_server.wait_for(1)] == ["Week 2 is open: Week 2 title"]


def test_the_admin_lists_failed_emails_with_their_error(alice, instructor, client, told_through):
    notice = told_through(alice.enrollments.get(), 2)
    Email.objects.filter(pk=notice.email_id).update(
        state="failed", last_error="SMTPDataError: (451, b'Mailbox busy')"
    )
    client.force_login(instructor)

    response = client.get(reverse("admin:outbox_email_changelist") + "?state=failed")

    assert "Mailbox busy" in response.text
    assert "alice@example.com" in response.text
    assert "Week opened" in response.text


def test_an_email_stuck_in_sending_is_sent_by_the_first_outbox_sweep_after_the_timeout(
    alice, sweep_outbox
):
    claimed_at = dt.datetime.now(UTC)
    email = EmailFactory(
        key=f"unlock:{alice.enrollments.get().pk}:2",
        state="sending",
        attempts=1,
        updated_at=claimed_at,
        due_at=claimed_at + STALE_AFTER,
    )
    Notice.objects.create(enrollment=alice.enrollments.get(), week=2, kind="week", email=email)
    sweep_outbox(claimed_at + STALE_AFTER - QUARTER_HOUR)
    assert mail.outbox == []

    sweep_outbox(claimed_at + STALE_AFTER + dt.timedelta(seconds=1))
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_the_sweep_reads_a_fixed_number_of_queries_per_batch(
    program, django_assert_num_queries, django_capture_on_commit_callbacks
):
    for _ in range(12):
        enroll_days_ago(UserFactory(), program, 10)

    # Programs, then per batch: savepoint, lock, candidates, their pauses, insert emails and
    # notices, release.
    with django_capture_on_commit_callbacks(), django_assert_num_queries(1 + 7 * 3):
        due = notices.sweep(batch_size=5)
    assert len(due) == 12


def test_beat_sweeps_unlock_emails_every_fifteen_minutes_and_the_outbox_every_minute():
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["programs.tasks.sweep_unlock_emails"].minute == {0, 15, 30, 45}
    assert schedule["outbox.tasks.sweep_outbox"].minute == set(range(60))


def test_send_unlock_emails_dry_run_prints_what_is_due_and_records_nothing(
    alice, told_through, capsys
):
    told_through(alice.enrollments.get(), 1)

    call_command("send_unlock_emails", "--dry-run")

    out = capsys.readouterr().out
    assert "alice@example.com: week (week 2)" in out
    assert "1 email(s) would be sent." in out
    assert not Notice.objects.filter(week=2).exists()
    assert mail.outbox == []


def test_send_unlock_emails_sends_what_is_due(
    alice, told_through, capsys, django_capture_on_commit_callbacks
):
    told_through(alice.enrollments.get(), 1)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_unlock_emails")

    assert "1 email(s) queued." in capsys.readouterr().out
    assert [m.subject for m in mail.outbox] == ["Week 2 is open: Week 2 title"]


# Unsubscribing


def test_weekly_emails_carry_one_click_unsubscribe_headers(alice, sweep, told_through):
    told_through(alice.enrollments.get(), 1)
    sweep()

    (message,) = mail.outbox
    assert message.extra_headers["List-Unsubscribe"] == f"<{alice.unsubscribe_url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert alice.unsubscribe_url in message.body


def test_one_click_unsubscribe_works_without_signing_in(alice, client):
    response = client.post(
        alice.unsubscribe_url.removeprefix(settings.SITE_URL),
        {"List-Unsubscribe": "One-Click"},
    )

    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.wants_program_emails is False


def test_opening_the_unsubscribe_link_only_asks(alice, client):
    response = client.get(alice.unsubscribe_url.removeprefix(settings.SITE_URL))

    assert "Stop the weekly emails?" in response.text
    alice.refresh_from_db()
    assert alice.wants_program_emails is True


def test_a_tampered_unsubscribe_link_is_refused(alice, bob, client):
    token = alice.unsubscribe_url.rstrip("/").rsplit("/", 1)[1]
    forged = token.replace(str(alice.pk), str(bob.pk), 1)

    response = client.post(reverse("accounts:unsubscribe", args=[forged + "x"]))

    assert response.status_code == 404
    assert User.objects.filter(wants_program_emails=False).count() == 0


def test_clients_turn_weekly_emails_off_and_on_from_their_preferences(alice, client):
    client.force_login(alice)
    settings_page = client.get(reverse("accounts:settings"))
    assert reverse("accounts:email_preferences") in settings_page.text

    client.post(reverse("accounts:email_preferences"), {})
    alice.refresh_from_db()
    assert alice.wants_program_emails is False

    client.post(reverse("accounts:email_preferences"), {"wants_program_emails": "on"})
    alice.refresh_from_db()
    assert alice.wants_program_emails is True


def test_the_preferences_page_needs_sign_in(client):
    response = client.get(reverse("accounts:email_preferences"))
    assert response.status_code == 302


# Week numbers with a gap


@pytest.fixture
def program_without_week_four(db):
    """Weeks 1, 2, 3 and 5: week 4 was deleted."""
    program = build_program(weeks=5, classes_per_week=1, bonus=1)
    program.weeks.get(number=4).delete()
    return program


def test_a_gap_in_the_week_numbers_is_skipped_and_the_program_ends_after_its_last_week(
    program_without_week_four, sweep, enroll
):
    with time_machine.travel(ENROLLED_AT, tick=False) as traveller:
        enrollment = enroll(UserFactory(), program_without_week_four)
        received = [(1, m.subject) for m in mail.outbox]
        for number in range(2, 7):
            mail.outbox.clear()
            traveller.move_to(enrollment.week_opens_at(number))
            sweep()
            received += [(number, m.subject) for m in mail.outbox]

    assert received == [
        (1, "Welcome to Heal Your Hips"),
        (2, "Week 2 is open: Week 2 title"),
        (3, "Week 3 is open: Week 3 title"),
        (5, "Week 5 is open: Week 5 title"),
        (6, "You finished Heal Your Hips!"),
    ]
    states = dict(enrollment.notices.values_list("week", "email__state"))
    assert states == {1: "sent", 2: "sent", 3: "sent", 4: "skipped", 5: "sent", 6: "sent"}
    assert "has no week 4" in enrollment.notices.get(week=4).email.last_error


def test_a_batch_of_emails_reads_the_programs_weeks_and_classes_once(program, told_through):
    """The worker's cost per email is its own rows; the program's content is read once a batch."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from outbox.delivery import send_emails

    def batch_queries(count, prefix):
        for n in range(count):
            enrollment = enroll_days_ago(UserFactory(email=f"{prefix}{n}@example.com"), program, 10)
            told_through(enrollment, 1)
        notices.sweep()
        told = Notice.objects.filter(enrollment__user__email__startswith=prefix, week=2)
        ids = list(told.values_list("email_id", flat=True))
        assert len(ids) == count
        with CaptureQueriesContext(connection) as queries:
            send_emails.run(ids)
        return len(queries)

    three, six = batch_queries(3, "three"), batch_queries(6, "six")

    assert len([m for m in mail.outbox if m.subject.startswith("Week 2 is open")]) == 9
    assert six - three < three  # the second three emails cost their own rows only
