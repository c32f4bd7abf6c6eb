"""With SENTRY_DSN set, a server error is reported to Sentry (here a local server that takes
Sentry's envelopes) without what a client typed or could be recognised by: body, cookies,
address, headers, query string, a token in the path."""

import gzip
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest

from tests.smtp import free_port

# Requests that fail (the database is down) while carrying a client's health note and the
# things that could identify them, served the way production serves them (WSGI over HTTP).
FAILING_REQUESTS = """
import threading
import urllib.error
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

import django
django.setup()
import sentry_sdk
from django.core.wsgi import get_wsgi_application


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
threading.Thread(target=server.serve_forever, daemon=True).start()
CSRF = "a" * 32
HEADERS = {
    "Referer": "http://127.0.0.1/REFERER-SECRET",
    "User-Agent": "AGENT-SECRET",
    "X-Forwarded-For": "203.0.113.9",
    "Cookie": f"sessionid=SESSION-SECRET; csrftoken={CSRF}",
}


def call(path, body=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.server_port}{path}", data=body, headers=HEADERS
    )
    try:
        return urllib.request.urlopen(request).status
    except urllib.error.HTTPError as error:
        return error.code


form = f"csrfmiddlewaretoken={CSRF}&login=pat%40example.com&password=PASSWORD-SECRET"
form += "&note=NOTE-SECRET+hip+at+night"
print(call("/accounts/login/?next=QUERY-SECRET", form.encode()), call("/calendar/TOKEN-SECRET.ics"))
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
        [sys.executable, "-c", FAILING_REQUESTS], env=env, capture_output=True, timeout=60
    )

    assert run.stdout.decode().strip().endswith("500 500"), run.stderr.decode()[-2000:]
    report = "\n".join(envelopes)
    assert report.count('{"type":"event"') == 2
    assert '"type":"OperationalError"' in report
    assert "/accounts/login/" in report
    assert "/calendar/[removed]" in report  # the route, not the token
    secrets = ["NOTE-SECRET", "PASSWORD-SECRET", "SESSION-SECRET", "203.0.113.9"]
    secrets += ["REFERER-SECRET", "AGENT-SECRET", "QUERY-SECRET", "TOKEN-SECRET"]
    for secret in secrets:
        assert secret not in report
