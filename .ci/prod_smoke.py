"""`make prod-smoke`: the production topology on this machine, driven by a real browser.

Starts two gunicorn web nodes (each with its own, empty media folders, so nothing can pass
through a node's disk), one Celery worker, beat, a fresh PostgreSQL database, Redis, moto's S3
server and an SMTP server, all with DEBUG off. Then Chromium:

- the instructor uploads an exercise picture on node A;
- a client sees the picture on node B;
- the class PDF, rendered by the worker into the bucket, downloads from both nodes;
- an unlock email goes out once, though the sweep runs twice.

Everything it started is stopped at the end, pass or fail. Exit status 0 means it passed.
"""

import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import ExitStack
from email import message_from_bytes
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PASSWORD = "heal-your-hips-demo"  # noqa: S105 - the demo accounts seed_demo makes
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise SystemExit(f"prod-smoke: timed out waiting for {what}.")


def check(passed: bool, failure: str):
    if not passed:
        raise SystemExit(f"prod-smoke: {failure}")


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 - our own local servers
        return True
    except OSError:
        return False


class Topology:
    """The processes, their shared environment, and their logs (printed if a step fails)."""

    def __init__(self, work: Path, stack: ExitStack):
        self.work = work
        self.stack = stack
        self.logs: list[Path] = []
        run_id = uuid.uuid4().hex[:10]
        self.database = f"healhips_smoke_{run_id}"
        self.moto_url = f"http://127.0.0.1:{free_port()}"
        self.nodes = {name: f"http://127.0.0.1:{free_port()}" for name in ("A", "B")}
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_", "REDIS_", "S3_", "CELERY_", "EMAIL_", "MEDIA"))
        } | {
            "DEBUG": "false",
            "SECRET_KEY": f"prod-smoke-{uuid.uuid4().hex}{uuid.uuid4().hex}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": self.nodes["A"],
            # Plain http on this machine only; a real deployment sits behind TLS.
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.database}",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
            "CELERY_QUEUE": f"smoke-{run_id}",
            "S3_BUCKET": f"smoke-{run_id}",
            "S3_ENDPOINT_URL": self.moto_url,
            "S3_ACCESS_KEY_ID": "smoke",
            "S3_SECRET_ACCESS_KEY": "smoke-secret",
            "S3_REGION": "us-east-1",
        }

    def node_env(self, name: str) -> dict:
        folder = self.work / f"node-{name}"
        return self.env | {
            "MEDIA_ROOT": str(folder / "media"),
            "PRIVATE_MEDIA_ROOT": str(folder / "private"),
            "STATIC_ROOT": str(folder / "static"),
        }

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log_path = self.work / f"{name}.log"
        self.logs.append(log_path)
        log = self.stack.enter_context(log_path.open("wb"))
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.stack.callback(stop, process)
        return process

    def manage(self, *args: str, env: dict | None = None):
        subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env or self.node_env("A"), check=True
        )

    def log_text(self, name: str) -> str:
        return (self.work / f"{name}.log").read_text(errors="replace")

    def print_logs(self):
        for log in self.logs:
            print(f"\n----- {log.name} (last 40 lines) -----")
            print("\n".join(log.read_text(errors="replace").splitlines()[-40:]))


def stop(process: subprocess.Popen):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Inbox:
    """An SMTP server on 127.0.0.1 that keeps what it is sent."""

    def __init__(self, stack: ExitStack):
        from aiosmtpd.controller import Controller

        self.messages = []
        self.port = free_port()
        controller = Controller(self, hostname="127.0.0.1", port=self.port)
        controller.start()
        stack.callback(controller.stop)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list:
        return [message for message in self.messages if message["To"] == address]


def create_database(name: str, stack: ExitStack):
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    stack.callback(drop)


def picture() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 600), "#f4efe6")
    draw = ImageDraw.Draw(image)
    draw.ellipse((300, 150, 600, 450), fill="#1e6b5c")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    return buffer.getvalue()


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="healhips-smoke-"))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        topology = Topology(work, stack)
        try:
            journey(topology, stack)
        except BaseException:
            topology.print_logs()
            raise
    print("prod-smoke: passed.")
    return 0


def journey(topology: Topology, stack: ExitStack):
    inbox = Inbox(stack)
    topology.env["EMAIL_URL"] = f"smtp://127.0.0.1:{inbox.port}"
    create_database(topology.database, stack)
    topology.start(
        "moto",
        [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", topology.moto_url.split(":")[-1]],
        topology.env,
    )
    wait_until(lambda: answers(f"{topology.moto_url}/moto-api/"), "moto's S3 server")

    # The process below is a management shell on the same environment: it sets up the bucket
    # and the data, then checks what the services did.
    os.environ.update(
        topology.node_env("A")
        # Playwright's sync API runs an event loop in this thread; the ORM calls between its
        # steps are synchronous and safe.
        | {"DJANGO_SETTINGS_MODULE": "healhips.settings", "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.storage import storages

    storages["default"].connection.meta.client.create_bucket(Bucket=topology.env["S3_BUCKET"])
    print("prod-smoke: migrating and seeding the demo content.")
    topology.manage("migrate", "--noinput", "-v", "0")
    for name in topology.nodes:
        topology.manage("collectstatic", "--noinput", "-v", "0", env=topology.node_env(name))

    worker_env = topology.node_env("worker")
    topology.start(
        "worker",
        [str(BIN / "celery"), "-A", "healhips", "worker", "--concurrency=2", "--loglevel=INFO"],
        worker_env,
    )
    topology.start(
        "beat",
        [str(BIN / "celery"), "-A", "healhips", "beat", "--loglevel=INFO",
         "--schedule", str(topology.work / "beat-schedule")],
        worker_env,
    )  # fmt: skip
    topology.manage("seed_demo", env=worker_env)
    for name, url in topology.nodes.items():
        topology.start(
            f"node-{name}",
            [str(BIN / "gunicorn"), "healhips.wsgi", "--bind", url.removeprefix("http://"),
             "--workers", "2", "--access-logfile", "-"],
            topology.node_env(name),
        )  # fmt: skip
    for name, url in topology.nodes.items():
        wait_until(lambda url=url: answers(f"{url}/healthz/"), f"web node {name}")
    wait_until(
        lambda: answers(f"{topology.nodes['B']}/health/"), "/health/ to report every service ok"
    )
    print("prod-smoke: two web nodes, a worker, beat, PostgreSQL, Redis and S3 are up.")

    browse(topology, inbox)

    for name in topology.nodes:
        media = topology.work / f"node-{name}" / "media"
        check(not media.exists() or not any(media.rglob("*.*")), f"node {name} wrote to disk")
    check(
        "Rendered" not in topology.log_text("node-A") + topology.log_text("node-B"),
        "a web node rendered a PDF: the worker should have",
    )


def browse(topology: Topology, inbox: Inbox):
    from django.core.files.storage import storages
    from django.urls import reverse
    from playwright.sync_api import sync_playwright

    from lessons.models import ExercisePdf, Lesson
    from lessons.sheets import ExerciseSheet
    from programs.tasks import sweep_unlock_emails

    node_a, node_b = topology.nodes["A"], topology.nodes["B"]
    lesson = Lesson.objects.filter(week__number=1, exercises__isnull=False).first()
    exercise = lesson.exercises.order_by("position").first()
    picture_file = topology.work / "new-picture.jpg"
    picture_file.write_bytes(picture())

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        instructor = browser.new_page()
        sign_in(instructor, node_a, "instructor@example.com")
        instructor.goto(f"{node_a}{reverse('admin:lessons_exercise_change', args=[exercise.pk])}")
        instructor.set_input_files("input[name=image]", str(picture_file))
        instructor.fill("[name=image_alt]", "A green circle on a mat")
        instructor.click("input[name=_save]")
        instructor.wait_for_load_state()
        check("was changed successfully" in instructor.content(), "the picture was not saved")
        print("prod-smoke: the instructor uploaded a picture on node A.")

        client = browser.new_page(viewport={"width": 390, "height": 844})
        sign_in(client, node_b, "client@example.com")
        client.goto(f"{node_b}{lesson.get_absolute_url()}")
        image = client.locator("img[alt='A green circle on a mat']")
        image.scroll_into_view_if_needed()
        wait_until(
            lambda: image.evaluate("img => img.complete && img.naturalWidth > 0"),
            "the picture to show on node B",
            timeout=20,
        )
        captions_loaded = (
            "() => { const track = document.querySelector('video track');"
            " return track !== null && track.readyState === 2 && track.track.cues.length > 0; }"
        )
        wait_until(lambda: client.evaluate(captions_loaded), "the captions to load on node B")
        print("prod-smoke: a client sees it on node B, through a signed link, with captions.")

        current = ExerciseSheet.for_lesson(
            Lesson.objects.prefetch_related("exercises").get(pk=lesson.pk)
        ).content_hash
        wait_until(
            lambda: ExercisePdf.objects.filter(content_hash=current).exists(),
            "the worker to render the class PDF",
        )
        stored = ExercisePdf.objects.get(content_hash=current)
        expected = storages["private"].open(stored.file_name).read()
        pdf_path = reverse("programs:lesson_pdf", args=[lesson.slug])
        for node in (node_a, node_b):
            download = client.request.get(f"{node}{pdf_path}")
            check(download.ok and download.body() == expected, f"no PDF from {node}")
        print("prod-smoke: the PDF the worker rendered downloads from both nodes.")
        browser.close()

    sweep_unlock_emails.delay()
    sweep_unlock_emails.delay()

    def unlock_emails():
        return [
            message["Subject"]
            for message in inbox.to("client@example.com")
            if message["Subject"].startswith("Week ")
        ]

    wait_until(unlock_emails, "the unlock email")
    time.sleep(5)  # a second copy, if there were one, would be here by now
    subjects = [message["Subject"] for message in inbox.to("client@example.com")]
    check(
        len(unlock_emails()) == 1 and len(set(subjects)) == len(subjects),
        f"the client got {subjects}",
    )
    print(f"prod-smoke: one unlock email went out ({unlock_emails()[0]!r}), nothing twice.")


def sign_in(page, site: str, email: str):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    check("/accounts/login/" not in page.url, f"could not sign in as {email} on {site}")


if __name__ == "__main__":
    sys.exit(main())
