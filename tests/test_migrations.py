"""A database from before the apps were layered (main at 47a068b) upgrades with its data intact."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import User
from lessons.models import Lesson, Program, Week
from programs.models import Completion, Enrollment, Notice

# The newest migration of each app before the layering.
BEFORE = [
    ("accounts", "0002_wants_program_emails"),
    ("lessons", "0003_video_url_help"),
    ("programs", "0003_notice_state_label"),
    ("billing", "0001_initial"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _populate(apps):
    """What a live site holds: content, a client with progress and emails, an order, and an
    instructor group whose permissions name the models that move."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    ContentType.objects.filter(model__in=["program", "week", "completion"]).delete()
    for app_label, model in [
        ("programs", "program"),
        ("programs", "week"),
        ("lessons", "completion"),
    ]:
        content_type = ContentType.objects.create(app_label=app_label, model=model)
        permission = Permission.objects.create(
            content_type=content_type, codename=f"change_{model}", name=f"Can change {model}"
        )
        Group.objects.get_or_create(name="Instructors")[0].permissions.add(permission)

    user = apps.get_model("accounts", "User").objects.create(email="old@example.com")
    program = apps.get_model("programs", "Program").objects.create(
        title="Heal Your Hips", slug="heal-your-hips", instructor_name="Maya", price_amount=14900
    )
    week = apps.get_model("programs", "Week").objects.create(
        program=program, number=1, title="Feet"
    )
    lesson = apps.get_model("lessons", "Lesson").objects.create(
        program=program, week=week, title="Toes", slug="toes"
    )
    apps.get_model("lessons", "Exercise").objects.create(lesson=lesson, name="Toe spread")
    apps.get_model("lessons", "Completion").objects.create(user=user, lesson=lesson)
    enrollment = apps.get_model("programs", "Enrollment").objects.create(
        user=user, program=program, starts_on=dt.date(2026, 11, 1)
    )
    sent_at = timezone.now() - dt.timedelta(days=3)
    Notice = apps.get_model("programs", "Notice")
    Notice.objects.create(
        enrollment=enrollment, week=1, kind="welcome", state="sent", attempts=1, sent_at=sent_at
    )
    Notice.objects.create(
        enrollment=enrollment, week=2, kind="week", state="failed", attempts=6,
        last_error="SMTPDataError: (451, b'Mailbox busy')",
    )  # fmt: skip
    apps.get_model("billing", "Order").objects.create(
        user=user, program=program, enrollment=enrollment, status="paid",
        amount_total=14900, currency="usd", stripe_session_id="cs_test_old",
    )  # fmt: skip
    return sent_at


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_layering_upgrades_with_every_row():
    sent_at = _populate(_migrate(BEFORE))
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()

    _migrate(latest)
    # Undone and applied again (a rollback of a release, then the release), nothing changes.
    _migrate(BEFORE)
    _migrate(latest)

    program = Program.objects.get()
    assert (program.title, program.price_display) == ("Heal Your Hips", "$149")
    assert Week.objects.get().program == program
    lesson = Lesson.objects.get()
    assert (lesson.program, lesson.week.title, lesson.exercises.get().name) == (
        program,
        "Feet",
        "Toe spread",
    )
    user = User.objects.get(email="old@example.com")
    assert Completion.objects.get().user == user
    enrollment = Enrollment.objects.get()
    assert (enrollment.program, enrollment.orders.get().amount_display) == (program, "$149")
    welcome, week_two = Notice.objects.select_related("email").order_by("week")
    assert (welcome.email.state, welcome.email.sent_at, welcome.email.key) == (
        "sent",
        sent_at,
        f"unlock:{enrollment.pk}:1",
    )
    assert (week_two.email.state, week_two.email.attempts) == ("failed", 6)
    assert "Mailbox busy" in week_two.email.last_error
    permissions = set(
        User._meta.apps.get_model("auth", "Group")
        .objects.get(name="Instructors")
        .permissions.values_list("content_type__app_label", "codename")
    )
    assert permissions == {
        ("lessons", "change_program"),
        ("lessons", "change_week"),
        ("programs", "change_completion"),
    }
