"""The render task in a real `celery worker` process, on the real Redis and PostgreSQL."""

import logging
import time
import uuid

from django.core.files.storage import storages
from django.db import transaction
from django.urls import reverse

from lessons.models import Exercise, ExercisePdf, Lesson
from lessons.tasks import render_exercise_pdfs
from tests.buckets import downloaded
from tests.factories import ExerciseFactory


def _wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_renders_the_pdf_of_a_saved_class_and_the_download_serves_it(
    start_celery_worker, file_storage, program, alice, client, caplog
):
    start_celery_worker(**file_storage.environment)
    lesson = Lesson.objects.get(program=program, week__number=1, position=0)

    with transaction.atomic():
        ExerciseFactory(lesson=lesson, name="Pelvic tilts", position=0)
        ExerciseFactory(lesson=lesson, name="Knee rocks", position=1)

    assert _wait_for(lambda: ExercisePdf.objects.filter(lesson=lesson).exists())
    stored = ExercisePdf.objects.get(lesson=lesson)
    assert storages["private"].exists(stored.file_name)
    caplog.set_level(logging.INFO, logger="lessons.pdf")
    client.force_login(alice)
    response = client.get(reverse("programs:lesson_pdf", args=[lesson.slug]))
    assert downloaded(response).content == stored.open().read()
    assert not [record for record in caplog.records if record.name == "lessons.pdf"]


def test_a_render_that_runs_past_the_time_limit_is_stopped_and_logged(
    start_celery_worker, program, tmp_path
):
    worker = start_celery_worker()
    # Saved without signals, so only the task below renders it (with a one-second limit).
    (lesson,) = Lesson.objects.bulk_create([Lesson(program=program, title="Long", slug="long")])
    endless_cues = "\n".join(f"Cue number {n}, read slowly" for n in range(5_000))
    Exercise.objects.bulk_create([Exercise(lesson=lesson, name="Runaway", cues=endless_cues)])

    task_id = f"runaway-{uuid.uuid4()}"
    render_exercise_pdfs.apply_async((lesson.pk,), soft_time_limit=1, task_id=task_id)

    log = tmp_path / "worker-0.log"
    stopped = f"Task lessons.tasks.render_exercise_pdfs[{task_id}] raised unexpected: "
    stopped += "SoftTimeLimitExceeded"
    assert _wait_for(lambda: stopped.encode() in log.read_bytes()), _log_tail(log)
    assert b"ran past its time limit and was stopped" in log.read_bytes()
    assert not ExercisePdf.objects.filter(lesson=lesson).exists()
    assert worker.poll() is None  # the worker lives on for the next task


def _log_tail(log) -> str:
    lines = [line for line in log.read_text().splitlines() if "Cue number" not in line]
    return "\n".join(lines[-15:])
