"""The kinds of email the outbox sends, each registered by the app that writes it.

Most kinds have a `build(email)` that writes the message at send time from the database, so an
email says what is true when it goes out; a builder that finds the email no longer wanted (the
client left, turned the emails off) raises `Skip` with the reason. A kind without one sends the
message written when it was queued (`services.queue_message`), kept in the row until it is sent.
"""

import contextlib
import contextvars
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import EmailMessage, EmailMultiAlternatives


class Skip(Exception):
    """The email should not go out after all; the message says why, for the admin."""


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    # How long the email is worth sending: past it, a mail outage makes the outbox give it up.
    useful_life: dt.timedelta
    build: Callable[..., EmailMessage] | None = None

    @property
    def written_ahead(self) -> bool:
        return self.build is None

    def message(self, email) -> EmailMessage:
        if self.build is not None:
            return self.build(email)
        if not email.payload:
            raise Skip("Nothing to send: the message was discarded when it was given up.")
        written = email.payload
        message = EmailMultiAlternatives(
            written["subject"],
            written["body"],
            written["from_email"],
            written["to"],
            headers=written["headers"],
        )
        for content, mimetype in written["alternatives"]:
            message.attach_alternative(content, mimetype)
        return message


_registry: dict[str, Kind] = {}
_batch: contextvars.ContextVar[dict | None] = contextvars.ContextVar("outbox_batch", default=None)


@contextlib.contextmanager
def one_batch():
    """While a worker sends a batch, its builders may share what is the same for every email
    of it (`shared`): the program's weeks and classes, read once instead of once an email."""
    token = _batch.set({})
    try:
        yield
    finally:
        _batch.reset(token)


def shared(key, compute: Callable):
    """`compute()`, or its result from earlier in this batch. Outside a batch, always fresh."""
    memo = _batch.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def register(name: str, *, label: str, useful_life: dt.timedelta, build=None) -> Kind:
    kind = Kind(name, label, useful_life, build)
    if _registry.setdefault(name, kind) != kind:
        raise ValueError(f"Another email kind is already registered as {name!r}.")
    return kind


def get(name: str) -> Kind:
    return _registry[name]


def label(name: str) -> str:
    kind = _registry.get(name)
    return kind.label if kind else name


def written_ahead() -> list[str]:
    return [name for name, kind in _registry.items() if kind.written_ahead]
