"""A real SMTP server on 127.0.0.1 for the email tests."""

import asyncio
import email
import socket
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone


class Inbox:
    """An SMTP server on 127.0.0.1 (aiosmtpd in a thread) and the messages it accepted.

    `refuse` answers the next N messages with a temporary error; `delay` holds each message that
    many seconds before answering. A message counts as delivered only once the 250 reply goes out,
    as with a real server: a client that hangs up first (a killed worker) delivered nothing.
    `arrived` counts messages whose data came in, answered or not; `answered_at` holds the time
    each delivered message was accepted; `connections` the client address of each delivered
    message, one per SMTP connection it came over. `stop()` and `start()` take the server down
    and back up on the same port.
    """

    def __init__(self):
        self.arrived = 0
        self.messages = []
        self.answered_at = []
        self.connections = []
        self.refuse = 0
        self.delay = 0.0
        self.port = free_port()
        self.controller = None

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope):
        self.arrived += 1
        await asyncio.sleep(self.delay)
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        self.answered_at.append(timezone.now())
        self.connections.append(session.peer)
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 30) -> list:
        """The delivered messages, once there are `count` of them (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return [message for _, message in self.messages]

    def wait_for_arrival(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.arrived < count and time.monotonic() < deadline:
            time.sleep(0.01)

    def use_for_django(self, settings):
        """Send this test process's email to the server (worker processes use EMAIL_URL)."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    inbox.start()
    yield inbox
    inbox.stop()
