"""HTTP throughput of the main pages under gunicorn, against the framework's own floor.

Run by `make bench`. Sets up its own PostgreSQL database (healhips_bench), seeds the demo
program, starts gunicorn with 2 workers on 127.0.0.1 and drives it with wrk for a fixed time per
page. Prints a markdown table. Each page's throughput is also shown as a share of the floor, a
trivial signed-in view (bench/floor_urls.py) measured in the same run, so the figures mean
something on any machine. Pages are measured in interleaved rounds (every page once per round,
so a noisy minute hits them all); the table gives each figure's median over the rounds.
"""

import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import phone

ROOT = Path(__file__).resolve().parent.parent
DURATION = os.environ.get("BENCH_SECONDS", "4")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "4")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
BENCH_DB = "healhips_bench"
WORK = Path(tempfile.mkdtemp(prefix="healhips-bench-"))
ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    # Production's cache and broker; nothing consumes this queue, the script empties it.
    "REDIS_URL": "redis://127.0.0.1:6379/2",
    "CELERY_QUEUE": "bench-http",
    "SECURE_SSL_REDIRECT": "false",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
    "CONN_MAX_AGE": "60",
    "MEDIA_ROOT": str(WORK / "media"),
    "PRIVATE_MEDIA_ROOT": str(WORK / "private"),
    "STATIC_ROOT": str(WORK / "static"),
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healhips.settings")
sys.path.insert(0, str(ROOT))


def manage(*args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        check=True,
        env=os.environ,
        stdout=subprocess.DEVNULL,  # stdout is the results table
    )


def recreate_database():
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {BENCH_DB}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, cookie: str | None) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)$", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)$", output, re.MULTILINE)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50": milliseconds(latency["50"]),
        "p99": milliseconds(latency["99"]),
        "errors": int(errors[1]) if errors else 0,
        "socket_errors": socket_errors[1] if socket_errors else "none",
    }


def milliseconds(figure: str) -> float:
    """wrk's "812.00us", "1.20ms" or "1.02s" in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", figure).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def median_of_rounds(rounds: list[dict]) -> dict:
    return {
        "rps": statistics.median(r["rps"] for r in rounds),
        "p50": statistics.median(r["p50"] for r in rounds),
        "p99": statistics.median(r["p99"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "socket_errors": "; ".join({r["socket_errors"] for r in rounds} - {"none"}) or "none",
    }


def signed_in_cookie(email: str) -> str:
    """The cookies a browser sends once signed in and shown a page: the session and the CSRF
    secret (the forms on a page carry a token made from it)."""
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    client.get("/", secure=True)
    return "; ".join(f"{name}={client.cookies[name].value}" for name in ("sessionid", "csrftoken"))


def calendar_path() -> str:
    from programs.models import Enrollment

    token = Enrollment.objects.get(user__email="client@example.com").calendar_token
    return f"/calendar/{token}.ics"


STATIC_PDF = "/static/bench-same-size.pdf"


def stored_pdf_beside_static_files() -> str:
    """Store the Foot & Ankle class's exercise PDF, put a copy among the static files (before
    the server starts: WhiteNoise lists them then), and return the download's path."""
    from django.conf import settings

    from lessons.models import ExercisePdf, Lesson
    from lessons.sheets import ExerciseSheet

    lesson = Lesson.objects.get(slug="foot-and-ankle")
    pdf = ExercisePdf.objects.current(ExerciseSheet.for_lesson(lesson))
    with pdf.open() as stored:
        (Path(settings.STATIC_ROOT) / STATIC_PDF.removeprefix("/static/")).write_bytes(
            stored.read()
        )
    return f"/program/class/{lesson.slug}/exercises.pdf"


def query_counts(cookie_user_email: str) -> dict:
    """Queries per page for the demo program, then with ten times as many classes: a page built
    (the client's own state changed since they last saw it) and a page kept (nothing changed)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User, new_state_version
    from lessons.models import Lesson, Program

    program = Program.current()
    client = Client()
    user = User.objects.get(email=cookie_user_email)
    client.force_login(user)
    lesson = Lesson.objects.get(slug="meet-your-pelvis")
    pages = {
        "sales page": "/",
        "dashboard": "/program/",
        "week page": "/program/week/1/",
        "class page": lesson.get_absolute_url(),
        "my progress": "/program/progress/",
    }

    def count(url) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, secure=True).status_code == 200, url
        return len(queries)

    def measure():
        """Content read already (the first view after a content change reads it: 4 more)."""
        counts = {}
        for name, url in pages.items():
            assert client.get(url, secure=True).status_code == 200, url
            new_state_version([user.pk])
            counts[name] = (count(url), count(url))
        return counts

    small = measure()
    classes_before = program.lessons.count()
    extra = [
        Lesson(program=program, week=lesson.week, title=f"Extra {week}-{n}",
               slug=f"extra-{week.number}-{n}", position=100 + n)
        for week in program.weeks.all()
        for n in range(classes_before * 9 // program.weeks.count() + 1)
    ]  # fmt: skip
    Lesson.objects.bulk_create(extra)
    large = measure()
    return {"small": small, "large": large, "classes": (classes_before, program.lessons.count())}


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `apt-get install wrk` (make bench does this).")
    recreate_database()
    manage("migrate", "--noinput", "-v0")
    manage("seed_demo")
    manage("seed_demo_journal")
    manage("collectstatic", "--noinput", "-v0")
    cookie = signed_in_cookie("client@example.com")
    staff_cookie = signed_in_cookie("instructor@example.com")
    session_only = cookie.split("; ")[0]
    pdf_path = stored_pdf_beside_static_files()
    port = free_port()
    # The site with the floor view added (bench/floor_urls.py), as production serves it.
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "healhips.wsgi", "--workers", "2",
         "--pythonpath", str(ROOT / "bench"), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "floor_settings"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz/", timeout=1)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.1)
        pages = [
            ("trivial signed-in view (the floor)", "/bench/floor/", cookie),
            ("health check (/healthz/, no session)", "/healthz/", None),
            ("sales page", "/", None),
            ("dashboard (signed in)", "/program/", cookie),
            ("week page (signed in)", "/program/week/1/", cookie),
            ("class page (signed in)", "/program/class/meet-your-pelvis/", cookie),
            ("my progress (signed in)", "/program/progress/", cookie),
            # Without the CSRF cookie every view is a new browser's first: the page is built.
            ("dashboard, built every time (a first view)", "/program/", session_only),
            (
                "class page, built every time (a first view)",
                "/program/class/meet-your-pelvis/",
                session_only,
            ),  # fmt: skip
            ("instructor's clients page", "/instructor/clients/", staff_cookie),
            ("calendar feed (.ics)", calendar_path(), None),
            ("stored PDF download (access check, file by sendfile)", pdf_path, cookie),
            ("the same PDF as a static file (WhiteNoise)", STATIC_PDF, None),
        ]
        for _, path, page_cookie in pages:  # warm up every worker's caches and connections
            wrk_warm = ["wrk", "-t1", "-c2", "-d1s", base + path]
            if page_cookie:
                wrk_warm[1:1] = ["-H", f"Cookie: {page_cookie}"]
            subprocess.run(wrk_warm, capture_output=True, check=True)
        rounds = [[wrk(base + path, page_cookie) for _, path, page_cookie in pages]
                  for _ in range(ROUNDS)]  # fmt: skip
        results = [
            (name, median_of_rounds([measured[index] for measured in rounds]))
            for index, (name, _, _) in enumerate(pages)
        ]
        phone_pages = [
            (name, path, page_cookie and re.search(r"sessionid=([^;]+)", page_cookie)[1])
            for name, path, page_cookie in pages
            if path not in ("/bench/floor/", "/healthz/", pdf_path, STATIC_PDF)
            and not path.endswith(".ics")
            and page_cookie != session_only
        ]
        on_phone, downloads = phone.measure(
            base,
            phone_pages,
            [
                ("stored PDF download (access check, file by sendfile)", pdf_path,
                 re.search(r"sessionid=([^;]+)", cookie)[1]),
                ("the same PDF as a static file (WhiteNoise)", STATIC_PDF, None),
            ],
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)

    floor = results[0][1]["rps"]
    print(f"### HTTP: gunicorn, 2 workers, wrk 2 threads × {CONNECTIONS} connections, "
          f"{ROUNDS} interleaved rounds of {DURATION} s per page (medians), {os.cpu_count()} "
          "cores shared by server and load\n")  # fmt: skip
    print("| page | requests/s | share of the floor | p50 | p99 | non-2xx | socket errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, result in results:
        print(
            f"| {name} | {result['rps']:.0f} | {100 * result['rps'] / floor:.0f}% | "
            f"{result['p50']:.1f} ms | {result['p99']:.1f} ms | {result['errors']} | "
            f"{result['socket_errors']} |"
        )
    print(f"\n### On a phone: {phone.CONDITIONS}, cold cache, median of {phone.LOADS} loads\n")
    print("| page | bytes on the wire before a tap | requests | LCP |")
    print("| --- | ---: | ---: | ---: |")
    for result in on_phone:
        print(
            f"| {result['name']} | {result['bytes'] / 1024:.1f} KB | {result['requests']:.0f} | "
            f"{result['lcp_ms']:.0f} ms |"
        )
    stored, static = (download["ms"] for download in downloads)
    print(f"\n### Downloading the Foot & Ankle PDF on that phone, median of {phone.LOADS}\n")
    print("| download | time to the last byte |")
    print("| --- | ---: |")
    for download in downloads:
        print(f"| {download['name']} | {download['ms']:.0f} ms |")
    share = 100 * static / stored
    print(f"| speed of the stored PDF, as a share of the static file's | {share:.0f}% |")
    counts = query_counts("client@example.com")
    small_classes, large_classes = counts["classes"]
    print(
        "\n### Queries per view: built (the client's own state changed since their last view; the "
        "first view after a content change also reads the content: 4 more) and kept (nothing "
        f"changed): demo program ({small_classes} classes) and {large_classes} classes\n"
    )
    print(f"| page | built, {small_classes} classes | built, {large_classes} classes "
          f"| kept, {small_classes} classes | kept, {large_classes} classes |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, (built, kept) in counts["small"].items():
        large_built, large_kept = counts["large"][name]
        print(f"| {name} | {built} | {large_built} | {kept} | {large_kept} |")
    shutil.rmtree(WORK, ignore_errors=True)
    import redis

    redis.Redis.from_url(ENV["REDIS_URL"]).delete(ENV["CELERY_QUEUE"])


if __name__ == "__main__":
    main()
