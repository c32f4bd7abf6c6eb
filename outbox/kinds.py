"""The kinds of email the outbox sends, each registered by the app that writes it.

Most kinds have a `build(email)` that writes the message at send time from the database, so an
email says what is true when it goes out; a builder that finds the email no longer wanted (the
client left, turned the emails off) raises `Skip` with the reason. A kind without one sends the
message written when it was queued (`services.queue_message`), kept in the row until it is sent.
"""

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
    # Related rows `build` reads, as `prefetch_related` lookups from the email: a batch reads
    # them in one query each, not one per email.
    prefetch: tuple[str, ...] = ()

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


def register(name: str, *, label: str, useful_life: dt.timedelta, build=None, prefetch=()) -> Kind:
    kind = Kind(name, label, useful_life, build, tuple(prefetch))
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
