"""The admin home is the instructor's: her clients and money at a glance, and what needs her
attention before a client finds an empty week."""

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import Order
from tests.factories import LessonFactory, UserFactory, enroll_days_ago


@pytest.fixture
def admin(client, instructor):
    client.force_login(instructor)
    return client


def test_the_home_sums_up_clients_new_clients_revenue_and_weeks_opening_soon(
    admin, alice, bob, program
):
    Order.objects.create(
        user=alice, program=program, status="paid", amount_total=14900, currency="usd",
        paid_at=timezone.now(),
    )  # fmt: skip
    erin = UserFactory(email="erin@example.com")
    enroll_days_ago(erin, program, 12)  # week 3 opens for her within 3 days

    page = admin.get(reverse("admin:index")).text

    assert "At a glance" in page
    assert '<th scope="row">Clients following the program</th><td>3</td>' in page
    assert '<th scope="row">Revenue this month</th><td>$149</td>' in page
    assert "Week 3 for 1 client" in page
    assert "Needs your attention" not in page


def test_the_home_warns_of_a_week_opening_with_nothing_published_and_of_empty_classes(
    admin, program
):
    enroll_days_ago(UserFactory(email="erin@example.com"), program, 12)
    program.lessons.filter(week__number=3).update(status="draft")
    empty = LessonFactory(program=program, week=program.weeks.get(number=5), video_url="")

    page = admin.get(reverse("admin:index")).text

    assert "Week 3 opens for 1 client within 3 days and has no published class yet." in page
    assert f"{empty.title}</a> (week 5) has no video and no exercises." in page
