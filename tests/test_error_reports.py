"""With SENTRY_DSN set, a server error is reported to Sentry (here a local server that takes
Sentry's envelopes) without what a client typed, their cookies or their address."""

import gzip
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest

from tests.smtp import free_port

# A request that fails (the database is down) while carrying a client's health note.
FAILING_REQUEST = """
import django
django.setup()
import sentry_sdk
from django.test import Client

client = Client(raise_request_exception=False, REMOTE_ADDR="203.0.113.9")
client.cookies["sessionid"] = "SESSION-SECRET"
response = client.post(
    "/accounts/login/",
    {"login": "pat@example.com", "password": "PASSWORD-SECRET", "note": "NOTE-SECRET hip at night"},
)
print(response.status_code)
sentry_sdk.flush(timeout=10)
"""


@pytest.fixture
def sentry_inbox():
    """A stand-in for Sentry's ingest endpoint: keeps the envelopes it is sent, unpacked."""
    envelopes = []

    class Ingest(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            encoding = self.headers.get("Content-Encoding", "")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                body = brotli.decompress(body)
            envelopes.append(body.decode())
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Ingest)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], envelopes
    server.shutdown()


def test_a_server_error_is_reported_without_what_the_client_sent(sentry_inbox):
    port, envelopes = sentry_inbox
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "healhips.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/down",
        "REDIS_URL": "",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{port}/42",
    }

    run = subprocess.run(
        [sys.executable, "-c", FAILING_REQUEST], env=env, capture_output=True, timeout=60
    )

    assert run.stdout.decode().strip().endswith("500"), run.stderr.decode()[-2000:]
    report = "\n".join(envelopes)
    assert "OperationalError" in report
    assert "/accounts/login/" in report
    for secret in ("NOTE-SECRET", "PASSWORD-SECRET", "SESSION-SECRET", "203.0.113.9"):
        assert secret not in report
