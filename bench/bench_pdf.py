"""Exercise PDFs: render time and peak memory, and what a stored PDF costs to download.

Run by `make bench`. Sets itself up in a throwaway folder (SQLite database, media and private
storage), seeds the demo program and adds a 40-exercise week, then prints a markdown table:

- the median of repeated renders (template + images + WeasyPrint) of the demo Foot & Ankle PDF
  and of the 40-exercise week PDF, and the peak memory of a process that renders each once;
- a download of a stored PDF (access check, file) through the Django test client, after a first
  one that also loads the session, against Django serving a media file of the same size with no
  access check at all.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RENDERS = int(os.environ.get("BENCH_PDF_RENDERS", "7"))
DOWNLOADS = int(os.environ.get("BENCH_PDF_DOWNLOADS", "200"))
BIG_WEEK = 9  # the demo has eight weeks; the 40-exercise week comes after them


def configure(work: Path):
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "MEDIA_ROOT": str(work / "media"),
            "PRIVATE_MEDIA_ROOT": str(work / "private"),
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "healhips.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def set_up():
    """The demo program plus a week of 40 exercises. Renders are not queued: this script times
    them itself, so tasks go to an in-memory broker that nobody reads."""
    from django.core.management import call_command

    from healhips.celery import app as celery_app
    from lessons.models import Exercise, Lesson, Program, Week

    celery_app.conf.task_always_eager = False
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    program = Program.objects.get()
    images = list(Exercise.objects.exclude(image="").values_list("image", "image_alt")[:40])
    week = Week.objects.create(program=program, number=BIG_WEEK, title="Everything together")
    for position in range(4):
        lesson = Lesson.objects.create(
            program=program,
            week=week,
            title=f"Full practice {position + 1}",
            slug=f"full-practice-{position + 1}",
            position=position,
        )
        Exercise.objects.bulk_create(
            Exercise(
                lesson=lesson,
                position=n,
                name=f"Exercise {position * 10 + n + 1}",
                image=images[(position * 10 + n) % len(images)][0],
                image_alt=images[(position * 10 + n) % len(images)][1],
                cues="Move slowly and smoothly\nBreathe out on the effort\nStop if it hurts",
                sets=2,
                reps=10,
            )
            for n in range(10)
        )


def sheet(name: str):
    import datetime as dt

    from lessons.models import Lesson, Week
    from lessons.sheets import ExerciseSheet, ReminderSheet

    if name == "week":
        return ExerciseSheet.for_week(Week.objects.get(number=BIG_WEEK))
    lesson = Lesson.objects.select_related("program").get(slug="foot-and-ankle")
    if name == "reminder":
        return ReminderSheet.for_lesson(
            lesson, name="Jo Client", day=dt.date(2026, 12, 1), paper="A4"
        )
    return ExerciseSheet.for_lesson(lesson)


def render_once(name: str):
    """In a fresh process: render one PDF and report the process's peak memory around it.

    The peak is /proc's VmHWM, not getrusage's ru_maxrss, which a child inherits from its parent.
    """
    from lessons.pdf import render_pdf

    document = sheet(name)
    before = _peak_rss_kb()
    pdf = render_pdf(document.template, document.stylesheet, document.context())
    after = _peak_rss_kb()
    print(json.dumps({"peak_kb": after, "growth_kb": after - before, "bytes": len(pdf)}))


def _peak_rss_kb() -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])


def median_ms(action, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main():
    work = Path(tempfile.mkdtemp(prefix="healhips-bench-pdf-"))
    configure(work)
    set_up()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from lessons.models import ExercisePdf
    from lessons.pdf import render_pdf
    from programs.management.commands.seed_demo import CLIENT_EMAIL

    rows = []
    documents = (
        ("reminder", "Foot & Ankle one-page reminder (9 exercises)"),
        ("class", "Foot & Ankle class, detailed (9 exercises)"),
        ("week", "Week of 40 exercises"),
    )
    for name, label in documents:
        document = sheet(name)
        render_pdf(
            document.template, document.stylesheet, document.context()
        )  # fonts and imports warmed up
        render = median_ms(
            lambda d=document: render_pdf(d.template, d.stylesheet, d.context()), RENDERS
        )
        child = subprocess.run(
            [sys.executable, __file__, "--render-once", name, str(work)],
            capture_output=True,
            text=True,
            check=True,
        )
        memory = json.loads(child.stdout.strip().splitlines()[-1])
        pdf = render_pdf(document.template, document.stylesheet, document.context())
        rows.append((label, render, memory, len(pdf), _page_count(pdf)))

    client = Client()
    client.force_login(get_user_model().objects.get(email=CLIENT_EMAIL))
    pdf_url = reverse("programs:lesson_pdf", args=["foot-and-ankle"])
    stored = ExercisePdf.objects.current(sheet("class"))
    media_file = Path(settings.MEDIA_ROOT) / "same-size.pdf"
    media_file.write_bytes(stored.open().read())

    def download(url):
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        b"".join(response.streaming_content)

    download(pdf_url)  # the first also loads the session and reads the content once
    reset_queries()  # seeding filled the query log, which would hide these queries
    with CaptureQueriesContext(connection) as queries:
        download(pdf_url)
    query_count = len(queries)  # now: DEBUG logs later queries to the same, bounded log
    cached = median_ms(lambda: download(pdf_url), DOWNLOADS)
    # The same file through `django.views.static.serve` and the same middleware: a URLconf of
    # the site's routes plus one plain file route (this module stands in as the URLconf).
    global urlpatterns
    from django.test import override_settings
    from django.urls import path
    from django.views.static import serve

    from healhips.urls import urlpatterns as site_routes

    urlpatterns = [
        *site_routes,
        path("plain/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
    with override_settings(ROOT_URLCONF=__name__):
        static = median_ms(lambda: download("/plain/same-size.pdf"), DOWNLOADS)

    print("## Exercise PDFs")
    print()
    print(
        f"WeasyPrint renders (template, pictures, WeasyPrint), median of {RENDERS} warm renders "
        "(after one); peak memory is the "
        "maximum RSS of a fresh process that renders once, and how much the render (images "
        "included) added to it."
    )
    print()
    print("| Document | Pages | Size | Render (median) | Peak RSS | Added by the render |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, render, memory, size, pages in rows:
        print(
            f"| {label} | {pages} | {size / 1024:.0f} KiB | {render:.0f} ms "
            f"| {memory['peak_kb'] / 1024:.0f} MiB | {memory['growth_kb'] / 1024:.0f} MiB |"
        )
    print()
    print(
        f"Downloads through the Django test client (SQLite), median of {DOWNLOADS}; "
        f"file of {stored.size / 1024:.0f} KiB."
    )
    print()
    print("| Download | Median | Queries |")
    print("|---|---:|---:|")
    print(
        f"| Stored Foot & Ankle PDF (access, file), after the first | {cached:.2f} ms "
        f"| {query_count} |"
    )
    print(f"| Plain file of the same size (`django.views.static.serve`) | {static:.2f} ms | 0 |")
    print(f"| Ratio | {cached / static:.1f}× | |")


def _page_count(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--render-once"]:
        configure(Path(sys.argv[3]))
        render_once(sys.argv[2])
    else:
        main()
