"""The PDF is built from what the instructor typed: it must never read the server's files or
reach the network, whatever she types or pastes."""

import base64
import io
import socket
import threading

import pytest
from django.urls import reverse
from pypdf import PdfReader
from weasyprint import HTML

from lessons.pdf import ProjectURLFetcher
from tests.factories import ExerciseFactory

SECRET = "s3cret-marker-from-outside-media"


@pytest.fixture
def listener():
    """A TCP server on 127.0.0.1 that records every connection (and would redirect it)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    connections = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, address = server.accept()
            except TimeoutError:
                continue
            connections.append(address)
            conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\n\r\n")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", connections
    stop.set()
    thread.join()
    server.close()


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def _hostile_html(origin, secret_file, media_root):
    (media_root / "exercises").mkdir(parents=True, exist_ok=True)
    (media_root / "exercises" / "notes.txt").symlink_to(secret_file)
    return f"""
    <style>
      @import url("file:///etc/passwd");
      @import url("{origin}/import.css");
      body {{ background: url("{origin}/background.png"); }}
      h1 {{ background-image: url("file://{secret_file}"); }}
    </style>
    <link rel="stylesheet" href="file://{secret_file}">
    <link rel="attachment" href="file:///etc/passwd">
    <link rel="attachment" href="file://{secret_file}">
    <link rel="attachment" href="file://{media_root}/exercises/notes.txt">
    <link rel="attachment" href="file://{media_root}/../secret.txt">
    <link rel="attachment" href="file://localhost{secret_file}">
    <link rel="attachment" href="{origin}/attachment.txt">
    <h1>Still renders</h1>
    <img src="file:///etc/passwd">
    <img src="file://{secret_file}">
    <img src="file://{media_root}/../secret.txt">
    <img src="{origin}/image.png">
    <img src="http://169.254.169.254/latest/meta-data/">
    <a rel="attachment" href="file://{secret_file}">notes</a>
    <svg width="100" height="100"><image href="file:///etc/passwd" width="10" height="10"/>
      <image href="{origin}/svg.png" width="10" height="10"/></svg>
    <p style="background: url('data:text/css,body{{color:red}}')">data CSS is not an image</p>
    """


def _assert_nothing_leaked(pdf: bytes, connections):
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "root:" not in text and SECRET not in text
    assert b"root:" not in pdf and SECRET.encode() not in pdf
    assert not reader.attachments
    assert connections == []


def test_the_url_fetcher_refuses_local_files_network_and_redirects_but_the_pdf_renders(
    listener, secret_file, settings
):
    origin, connections = listener
    html = _hostile_html(origin, secret_file, settings.MEDIA_ROOT)

    pdf = HTML(string=html, url_fetcher=ProjectURLFetcher()).write_pdf(uncompressed_pdf=True)

    _assert_nothing_leaked(pdf, connections)
    assert "Still renders" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_url_fetcher_serves_static_files_and_data_images_not_uploads(settings):
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    (settings.MEDIA_ROOT / "exercises").mkdir(parents=True)
    (settings.MEDIA_ROOT / "exercises" / "dot.png").write_bytes(png)
    html = (
        f'<img src="file://{settings.BASE_DIR}/static/img/favicon.png">'
        f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        f'<img src="file://{settings.MEDIA_ROOT}/exercises/dot.png">'
    )

    pdf = HTML(string=html, url_fetcher=ProjectURLFetcher()).write_pdf()

    reader = PdfReader(io.BytesIO(pdf))
    assert len({image.indirect_reference.idnum for image in reader.pages[0].images}) == 2


def test_print_image_addresses_serve_exercise_pictures_only(settings):
    """The short addresses pictures reach WeasyPrint by cannot be bent to another upload."""
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    for folder in ("exercises", "kept-photos"):
        (settings.MEDIA_ROOT / folder).mkdir(parents=True)
        (settings.MEDIA_ROOT / folder / "dot.png").write_bytes(png)
    html = "".join(
        f'<img src="print-image:{address}">'
        for address in (
            "240/exercises/dot.png",
            "240/exercises/../kept-photos/dot.png",
            "240/exercises/%2e%2e/kept-photos/dot.png",
            "240/kept-photos/dot.png",
            "9999/exercises/dot.png",
        )
    )

    pdf = HTML(string=html, url_fetcher=ProjectURLFetcher()).write_pdf()

    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1


def test_hostile_class_notes_and_cues_reach_neither_files_nor_the_network(
    client, alice, program, listener, secret_file, settings
):
    origin, connections = listener
    hostile = _hostile_html(origin, secret_file, settings.MEDIA_ROOT)
    lesson = program.lessons.get(week__number=1, position=0)
    lesson.notes = f"Warm up first.\n\n{hostile}"
    lesson.save()
    ExerciseFactory(lesson=lesson, name="Pelvic tilt", cues=f"Breathe\n{hostile}")
    client.force_login(alice)

    response = client.get(reverse("programs:lesson_pdf", args=[lesson.slug]))

    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    _assert_nothing_leaked(pdf, connections)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Warm up first." in text
    assert "1. Pelvic tilt" in text
