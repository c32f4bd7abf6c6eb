"""The exercise-reminder PDF: its content, how it stays current, and who may download it."""

import io
import logging
import threading

import pytest
from celery.signals import task_prerun
from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from lessons.models import Exercise, ExercisePdf, Lesson
from programs import demo_content
from programs.management.commands.seed_demo import CLIENT_EMAIL
from tests.buckets import downloaded
from tests.factories import ExerciseFactory, LessonFactory

pytestmark = pytest.mark.usefixtures("file_storage")


def _pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _renders(caplog) -> int:
    return sum(
        record.name == "lessons.pdf" and record.msg.startswith("Rendered")
        for record in caplog.records
    )


@pytest.fixture
def demo_client(db):
    call_command("seed_demo", stdout=io.StringIO())
    client = Client()
    client.force_login(get_user_model().objects.get(email=CLIENT_EMAIL))
    return client


def _download_foot_and_ankle(client):
    response = downloaded(client.get(reverse("programs:lesson_pdf", args=["foot-and-ankle"])))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response


def test_the_foot_and_ankle_pdf_lists_every_exercise_in_order_with_its_picture(demo_client):
    response = _download_foot_and_ankle(demo_client)

    assert response["Content-Disposition"] == (
        'attachment; filename="foot-and-ankle-exercises.pdf"'
    )
    pdf = response.content
    text = "\n".join(_pages_text(pdf))
    names = [name for name, _, _ in demo_content.FOOT_AND_ANKLE[4]]
    positions = [text.find(f"{number}. {name}") for number, name in enumerate(names, start=1)]
    assert -1 not in positions
    assert positions == sorted(positions)
    assert "2 sets × 10 reps · Both sides" in text
    assert "3 sets, hold 10 s · Each side" in text
    reader = PdfReader(io.BytesIO(pdf))
    images = {image.indirect_reference.idnum: image for p in reader.pages for image in p.images}
    assert len(images) == len(names)
    assert all(image.image.width >= 500 for image in images.values())
    # Nine exercises, three to a page after the cover line and the class notes.
    assert len(reader.pages) == 3
    for number, page_text in enumerate(_pages_text(pdf), start=1):
        assert f"{number} / 3" in page_text
        assert page_text.rstrip().splitlines()[-1].startswith("Foot & Ankle class")
    width, height = reader.pages[0].mediabox[2:]
    assert (round(width), round(height)) == (595, 842)


def test_the_page_size_setting_prints_on_us_letter(client, alice, class_with_exercises, settings):
    settings.PDF_PAGE_SIZE = "Letter"
    client.force_login(alice)

    response = client.get(reverse("programs:lesson_pdf", args=[class_with_exercises.slug]))

    reader = PdfReader(io.BytesIO(downloaded(response).content))
    width, height = reader.pages[0].mediabox[2:]
    assert (round(width), round(height)) == (612, 792)


def test_seed_demo_renders_the_demo_pdfs_so_the_first_download_is_served_from_storage(
    db, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.INFO, logger="lessons.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    stored = ExercisePdf.objects.get(lesson__slug="foot-and-ankle")
    caplog.clear()
    client = Client()
    client.force_login(get_user_model().objects.get(email=CLIENT_EMAIL))

    response = _download_foot_and_ankle(client)

    assert _renders(caplog) == 0
    assert response.content == stored.open().read()
    assert ExercisePdf.objects.filter(week__number=1).exists()


@pytest.fixture
def class_with_exercises(program):
    lesson = Lesson.objects.get(program=program, week__number=2, position=0)
    ExerciseFactory(lesson=lesson, name="Glute bridge", position=0)
    ExerciseFactory(lesson=lesson, name="Clamshell", position=1)
    return lesson


@pytest.mark.django_db(transaction=True)
def test_an_exercise_edited_in_the_admin_is_in_the_next_download_after_one_render(
    program, alice, instructor, caplog
):
    caplog.set_level(logging.INFO, logger="lessons.pdf")
    lesson = Lesson.objects.get(program=program, week__number=2, position=0)
    with transaction.atomic():
        bridge = ExerciseFactory(lesson=lesson, name="Glute bridge", position=0)
        ExerciseFactory(lesson=lesson, name="Clamshell", position=1)
    runs = []

    def count_run(sender=None, args=None, **kwargs):
        if sender.name == "lessons.tasks.render_exercise_pdfs":
            runs.append(tuple(args))

    task_prerun.connect(count_run, weak=False)
    caplog.clear()
    admin = Client()
    admin.force_login(instructor)
    try:
        response = admin.post(
            reverse("admin:lessons_exercise_change", args=[bridge.pk]),
            {
                "lesson": lesson.pk,
                "position": 0,
                "name": "Single-leg glute bridge",
                "image_alt": "",
                "cues": "Press through the heel\nKeep the hips level",
                "sets": 3,
                "reps": 8,
                "hold_seconds": "",
                "side": "each",
            },
        )
    finally:
        task_prerun.disconnect(count_run)
    assert response.status_code == 302

    assert runs == [(lesson.pk,)]
    assert _renders(caplog) == 2  # the class's PDF and its week's
    client = Client()
    client.force_login(alice)
    response = client.get(reverse("programs:lesson_pdf", args=[lesson.slug]))
    text = "\n".join(_pages_text(downloaded(response).content))
    assert "1. Single-leg glute bridge" in text
    assert "3 sets × 8 reps · Each side" in text
    assert "Press through the heel" in text
    assert "1. Glute bridge" not in text
    assert _renders(caplog) == 2
    assert ExercisePdf.objects.filter(lesson=lesson).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_downloads_render_the_pdf_once(program, alice, caplog):
    lesson = Lesson.objects.get(program=program, week__number=1, position=0)
    with transaction.atomic():
        ExerciseFactory.create_batch(4, lesson=lesson)
    ExercisePdf.objects.all().delete()  # the class is edited, its PDF not rendered yet
    caplog.set_level(logging.INFO, logger="lessons.pdf")
    caplog.clear()
    start = threading.Barrier(6)
    results = []

    def download():
        client = Client()
        client.force_login(alice)
        start.wait()
        try:
            response = client.get(reverse("programs:lesson_pdf", args=[lesson.slug]))
            download = downloaded(response)
            results.append((download.status_code, download.content))
        finally:
            connection.close()

    threads = [threading.Thread(target=download) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [status for status, _ in results] == [200] * 6
    assert len({pdf for _, pdf in results}) == 1
    assert _renders(caplog) == 1
    assert ExercisePdf.objects.filter(lesson=lesson).count() == 1


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("alice", 200),  # enrolled, week 2 open
        ("instructor", 200),
        ("bob", 403),  # enrolled today: week 2 still locked
        ("dave", 403),  # never enrolled
        ("carol", 403),  # refunded
    ],
)
def test_only_clients_with_the_class_open_and_staff_may_download_its_pdf(
    request, client, class_with_exercises, person, status
):
    client.force_login(request.getfixturevalue(person))

    class_response = client.get(reverse("programs:lesson_pdf", args=[class_with_exercises.slug]))
    week_response = client.get(reverse("programs:week_pdf", args=[2]))

    if status == 200:
        class_pdf, week_pdf = downloaded(class_response), downloaded(week_response)
        assert class_pdf.status_code == week_pdf.status_code == 200
        assert class_pdf["Content-Type"] == week_pdf["Content-Type"] == "application/pdf"
        assert week_pdf["Content-Disposition"].endswith('filename="week-2-exercises.pdf"')
    else:
        assert class_response.status_code == week_response.status_code == status
        assert "text/html" in class_response["Content-Type"]
        assert "Location" not in class_response


def test_a_stranger_is_sent_to_sign_in_for_a_pdf(client, class_with_exercises):
    url = reverse("programs:lesson_pdf", args=[class_with_exercises.slug])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


def test_a_client_without_access_gets_a_page_that_says_why(client, carol, class_with_exercises):
    client.force_login(carol)

    response = client.get(reverse("programs:lesson_pdf", args=[class_with_exercises.slug]))

    assert response.status_code == 403
    assert b"This download is for enrolled clients" in response.content
    assert b"Your access to the program has ended" in response.content


def test_a_client_whose_week_is_locked_is_told_when_it_opens(client, bob, class_with_exercises):
    client.force_login(bob)

    response = client.get(reverse("programs:week_pdf", args=[2]))

    assert response.status_code == 403
    assert "isn’t open yet" in response.content.decode()


def test_a_bonus_class_pdf_is_open_from_day_one(client, bob, program):
    bonus = Lesson.objects.get(program=program, week=None, position=0)
    ExerciseFactory(lesson=bonus, name="Toe spreads")
    client.force_login(bob)

    response = downloaded(client.get(reverse("programs:lesson_pdf", args=[bonus.slug])))

    assert response.status_code == 200
    assert "Toe spreads" in "\n".join(_pages_text(response.content))


def test_a_class_without_exercises_has_no_pdf_and_no_button(client, alice, program):
    lesson = LessonFactory(program=program, week=program.weeks.get(number=1))
    client.force_login(alice)

    page = client.get(lesson.get_absolute_url())
    download = client.get(reverse("programs:lesson_pdf", args=[lesson.slug]))

    assert page.status_code == 200
    assert b"(PDF)" not in page.content
    assert client.get(reverse("programs:reminder_pdf", args=[lesson.slug])).status_code == 404
    assert download.status_code == 404


def test_the_class_and_week_pages_link_to_their_pdfs(client, alice, class_with_exercises):
    client.force_login(alice)

    class_page = client.get(class_with_exercises.get_absolute_url())
    week_page = client.get(reverse("programs:week", args=[2]))

    assert (
        reverse("programs:lesson_pdf", args=[class_with_exercises.slug]).encode()
        in class_page.content
    )
    assert b"Detailed exercises (PDF)" in class_page.content
    assert reverse("programs:reminder_pdf", args=[class_with_exercises.slug]).encode() in (
        class_page.content
    )
    assert reverse("programs:week_pdf", args=[2]).encode() in week_page.content


def test_stored_pdfs_are_not_reachable_by_a_media_url(client, alice, class_with_exercises):
    client.force_login(alice)
    client.get(reverse("programs:lesson_pdf", args=[class_with_exercises.slug]))
    stored = ExercisePdf.objects.get(lesson=class_with_exercises)

    response = client.get(f"/media/{stored.file_name}")

    assert response.status_code == 404
    assert stored.content_hash[:20] in stored.file_name


def test_a_stored_pdf_whose_file_was_lost_is_rendered_again(client, alice, class_with_exercises):
    client.force_login(alice)
    url = reverse("programs:lesson_pdf", args=[class_with_exercises.slug])
    client.get(url)
    ExercisePdf.objects.get(lesson=class_with_exercises).delete_file()

    response = downloaded(client.get(url))

    assert response.status_code == 200
    assert "1. Glute bridge" in "\n".join(_pages_text(response.content))


def test_render_pdfs_renders_every_class_and_week_and_deletes_older_files(
    class_with_exercises, django_capture_on_commit_callbacks
):
    call_command("render_pdfs", stdout=io.StringIO())
    old = ExercisePdf.objects.get(lesson=class_with_exercises)
    Exercise.objects.filter(lesson=class_with_exercises).update(name="Renamed")

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("render_pdfs", stdout=out)

    assert "2 exercise PDFs are up to date." in out.getvalue()
    new = ExercisePdf.objects.get(lesson=class_with_exercises)
    assert new.content_hash != old.content_hash
    assert ExercisePdf.objects.filter(week__number=2).count() == 1
    assert not storages["private"].exists(old.file_name)
    assert storages["private"].exists(new.file_name)


@pytest.mark.django_db(transaction=True)
def test_a_week_title_edited_in_the_admin_is_in_the_stored_week_pdf_before_anyone_downloads(
    class_with_exercises, alice, instructor, caplog
):
    week = class_with_exercises.week
    old = ExercisePdf.objects.get(week=week)  # rendered when the exercises were saved
    lessons = list(week.lessons.order_by("position", "id"))
    form = {
        "program": week.program_id,
        "number": week.number,
        "title": "Strong glutes",
        "status": week.status,
        "summary": week.summary,
        "lessons-TOTAL_FORMS": len(lessons),
        "lessons-INITIAL_FORMS": len(lessons),
        "lessons-MIN_NUM_FORMS": 0,
        "lessons-MAX_NUM_FORMS": 1000,
    }
    for n, lesson in enumerate(lessons):
        form |= {
            f"lessons-{n}-id": lesson.pk,
            f"lessons-{n}-week": week.pk,
            f"lessons-{n}-position": lesson.position,
            f"lessons-{n}-title": lesson.title,
            f"lessons-{n}-slug": lesson.slug,
            f"lessons-{n}-duration_minutes": lesson.duration_minutes,
            f"lessons-{n}-status": lesson.status,
        }
    caplog.set_level(logging.INFO, logger="lessons.pdf")
    caplog.clear()
    admin = Client()
    admin.force_login(instructor)

    response = admin.post(reverse("admin:lessons_week_change", args=[week.pk]), form)

    assert response.status_code == 302
    stored = ExercisePdf.objects.get(week=week)
    assert stored.content_hash != old.content_hash
    assert "Week 2: Strong glutes" in _pages_text(stored.open().read())[0]
    assert _renders(caplog) == 1  # the week's PDF; the class's does not show the week title
    client = Client()
    client.force_login(alice)
    download = client.get(reverse("programs:week_pdf", args=[2]))
    assert downloaded(download).content == stored.open().read()
    assert _renders(caplog) == 1


@pytest.mark.django_db(transaction=True)
def test_a_class_moved_to_another_week_leaves_the_old_week_pdf(class_with_exercises):
    assert ExercisePdf.objects.filter(week__number=2).exists()
    class_with_exercises.week = class_with_exercises.program.weeks.get(number=3)

    class_with_exercises.save()

    # Week 2 has no exercises left, so no PDF; week 3 has the class's.
    assert not ExercisePdf.objects.filter(week__number=2).exists()
    week_three = ExercisePdf.objects.get(week__number=3)
    assert "1. Glute bridge" in "\n".join(_pages_text(week_three.open().read()))


@pytest.mark.django_db(transaction=True)
def test_a_new_program_title_is_in_the_stored_class_pdf(class_with_exercises):
    old = ExercisePdf.objects.get(lesson=class_with_exercises)
    program = class_with_exercises.program
    program.title = "Hips for Life"

    program.save()

    stored = ExercisePdf.objects.get(lesson=class_with_exercises)
    assert stored.content_hash != old.content_hash
    assert "HIPS FOR LIFE" in _pages_text(stored.open().read())[0]  # printed in capitals
    assert ExercisePdf.objects.filter(week__number=2).count() == 1
