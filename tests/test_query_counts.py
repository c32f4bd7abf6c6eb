"""Busy pages run a fixed number of queries however big the program grows."""

import pytest
from django.urls import reverse

from accounts.models import new_state_version
from programs import services
from programs.models import Completion
from tests.factories import UserFactory, build_program, enroll_days_ago

# Measured: see the closing note of the performance issue. A bound, not a target. Each page
# reads the user, the program's content version, the client's enrollment, pauses (the unlock
# rule) and ticks; the dashboard also asks which progress check is due (journal).
MAX_QUERIES = {"programs:dashboard": 6, "programs:week": 5, "programs:lesson": 5}
# The first page after a content change also reads the program, its weeks, classes and
# exercises (`lessons.catalog`), once per process.
CONTENT_QUERIES = 4
# A page kept since the client last saw it (`programs.pages`): the user and the program's version.
KEPT_PAGE_QUERIES = 2
# A stored PDF: the user, the program's version, the enrollment and the PDF's row; a download is
# never kept, so nothing else (the unlock rule's pauses decide only how long a page is kept).
DOWNLOAD_QUERIES = 4


def _pages(program):
    lesson = program.lessons.filter(week__number=2).order_by("position").last()
    return {
        "programs:dashboard": reverse("programs:dashboard"),
        "programs:week": reverse("programs:week", args=[2]),
        "programs:lesson": lesson.get_absolute_url(),
    }


@pytest.mark.parametrize("classes_per_week", [1, 12], ids=["10-classes", "100-classes"])
@pytest.mark.parametrize("page", sorted(MAX_QUERIES))
def test_page_queries_stay_bounded_as_the_program_grows(
    db, client, django_assert_max_num_queries, django_assert_num_queries, classes_per_week, page
):
    program = build_program(classes_per_week=classes_per_week, exercises_per_class=3)
    assert program.lessons.count() == 8 * classes_per_week + 2
    user = UserFactory()
    enrollment = enroll_days_ago(user, program, 10)
    services.unlock_everything(enrollment)
    for lesson in program.lessons.all()[::2]:
        Completion.objects.create(user=user, lesson=lesson)
    client.force_login(user)
    url = _pages(program)[page]

    with django_assert_max_num_queries(MAX_QUERIES[page] + CONTENT_QUERIES):
        assert client.get(url).status_code == 200
    new_state_version([user.pk])  # the client ticked a class elsewhere: the page is built again
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(KEPT_PAGE_QUERIES):
        assert client.get(url).status_code == 200


@pytest.mark.usefixtures("file_storage")
@pytest.mark.parametrize("classes_per_week", [1, 12], ids=["10-classes", "100-classes"])
def test_a_stored_pdf_download_reads_only_access_and_the_file(
    db, client, django_assert_num_queries, classes_per_week
):
    program = build_program(classes_per_week=classes_per_week, exercises_per_class=3)
    user = UserFactory()
    enroll_days_ago(user, program, 10)
    client.force_login(user)
    bonus_class = program.lessons.get(title="Foot & Ankle class")
    url = reverse("programs:lesson_pdf", args=[bonus_class.slug])
    assert client.get(url).status_code in (200, 302)  # rendered and stored

    with django_assert_num_queries(DOWNLOAD_QUERIES):
        assert client.get(url).status_code in (200, 302)
