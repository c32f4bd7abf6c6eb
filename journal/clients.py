"""The instructor's Clients page: every active client with their practice, pain and flags.

Built from the same `Journal` as the client's own page, in a fixed number of queries.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

from accounts.models import User
from lessons.models import Program
from programs.models import Enrollment

from .records import Journal, journals_for

SORTS = {
    "name": lambda row: row.name.lower(),
    "week": lambda row: -row.week,
    "last-practice": lambda row: row.last_practice or dt.datetime.min.replace(tzinfo=dt.UTC),
    "pain": lambda row: -(row.journal.latest_pain if row.journal.latest_pain is not None else -1),
    "flags": lambda row: -len(row.flags),
}
FLAG_FILTERS = {
    "any": lambda row: bool(row.flags),
    "quiet": lambda row: any(flag.startswith("no practice") for flag in row.flags),
    "pain": lambda row: any(flag.startswith("pain") for flag in row.flags),
    "check": lambda row: "check overdue" in row.flags,
}


@dataclass
class ClientRow:
    enrollment: Enrollment
    journal: Journal
    now: dt.datetime

    @property
    def name(self) -> str:
        user = self.enrollment.user
        return user.get_full_name() or user.email

    @property
    def week(self) -> int:
        return self.journal.current_week(self.now)

    @property
    def sessions_this_week(self) -> int:
        return self.journal.sessions_this_week(self.now)

    @property
    def last_practice(self) -> dt.datetime | None:
        return self.journal.last_practice

    @cached_property
    def flags(self) -> list[str]:
        """Read by the filter, the sort and the page: worked out once."""
        return self.journal.flags(self.now)


# The page is kept (programs.pages) while no client's records change; what the clock alone
# changes (a week opening, a quiet client's flag) shows within this long.
CLOCK_SLACK = dt.timedelta(minutes=5)


def roster_version(program: Program) -> str:
    """New whenever any client of the program has a new `state_version`: one narrow query."""
    versions = (
        User.objects.filter(enrollments__program=program)
        .order_by("pk")
        .values_list("state_version", flat=True)
    )
    return hashlib.blake2b(b"".join(version.bytes for version in versions)).hexdigest()


def client_rows(*, sort: str = "flags", flag: str = "", now=None, program=None) -> list[ClientRow]:
    """The clients of `program` (the site's, unless the caller has it already)."""
    now = now or timezone.now()
    program = program or Program.current(for_members=True)
    if program is None:
        return []
    enrollments = list(Enrollment.objects.with_access().with_schedule().filter(program=program))
    journals = journals_for(enrollments, program.week_count)
    rows = [ClientRow(e, journals[e.user_id], now) for e in enrollments]
    if flag in FLAG_FILTERS:
        rows = [row for row in rows if FLAG_FILTERS[flag](row)]
    return sorted(rows, key=SORTS.get(sort, SORTS["flags"]))


def flagged_count(now=None) -> int:
    return len(client_rows(flag="any", now=now))
