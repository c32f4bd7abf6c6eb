"""Dates, times and time zones written as people write them, for pages and emails alike.

"Tuesday, March 3 at 6:00 a.m.", never "12:00 a.m." for the start of a day; a time zone is a
place ("New York"), chosen from a list grouped by region. Datetimes are written on their own
clock: callers pass them already in the reader's zone (`dt.astimezone(user.zone)`).
"""

import datetime as dt
import zoneinfo
from functools import cache

from django import template
from django.utils import dateformat

register = template.Library()

REGIONS = [
    "America", "Europe", "Africa", "Asia", "Australia", "Pacific", "Atlantic", "Indian",
    "Antarctica",
]  # fmt: skip


@register.filter
def moment(value: dt.datetime | None) -> str:
    """ "Tuesday, March 3 at 6:00 a.m.", or "Tuesday, March 3" when it is the start of the day."""
    if value is None:
        return ""
    if value.time() == dt.time(0):
        return dateformat.format(value, "l, F j")
    return f"{dateformat.format(value, 'l, F j')} at {clock(value)}"


@register.filter
def clock(value: dt.datetime | dt.time) -> str:
    """ "6:00 a.m." """
    return dateformat.time_format(value, "g:i a")


@register.filter
def place(zone_name: str) -> str:
    """ "America/New_York" → "New York"; "America/Argentina/Buenos_Aires" → "Buenos Aires"."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


@register.filter
def place_and_time(zone_name: str, now: dt.datetime | None = None) -> str:
    """ "New York, 9:41 a.m.": how a client recognises their own time zone."""
    local = (now or dt.datetime.now(dt.UTC)).astimezone(zoneinfo.ZoneInfo(zone_name))
    return f"{place(zone_name)}, {clock(local)}"


@cache
def grouped_time_zones() -> list[tuple[str, list[tuple[str, str]]]]:
    """Time-zone choices grouped by region and named by place, without the legacy aliases
    ("US/Eastern", "EST5EDT") that make the full tz list 600 entries long."""
    names = zoneinfo.available_timezones()
    groups = []
    for region in REGIONS:
        zones = sorted(
            (name for name in names if name.split("/", 1)[0] == region and "/" in name),
            key=place,
        )
        groups.append((region, [(name, _label(name)) for name in zones]))
    return [*groups, ("Other", [("UTC", "UTC (Coordinated Universal Time)")])]


def _label(zone_name: str) -> str:
    parts = zone_name.split("/")
    # America/Argentina/Buenos_Aires: the country helps tell places apart.
    return (
        f"{place(zone_name)} ({parts[1].replace('_', ' ')})"
        if len(parts) == 3
        else place(zone_name)
    )


def is_known_time_zone(name: str) -> bool:
    return name in zoneinfo.available_timezones()
