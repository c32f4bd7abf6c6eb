"""Dates, times and time zones written as people write them, for pages and emails alike.

"Tuesday, March 3 at 6:00 a.m.", never "12:00 a.m." for the start of a day; a time zone is a
place ("New York"), chosen from a list grouped by region. Datetimes are written on their own
clock: callers pass them already in the reader's zone (`dt.astimezone(user.zone)`).
"""

import datetime as dt
import zoneinfo
from functools import cache
from pathlib import Path

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


def local_clock(zone_name: str, now: dt.datetime | None = None) -> str:
    """The time now in that zone: "9:41 a.m." """
    return clock((now or dt.datetime.now(dt.UTC)).astimezone(zoneinfo.ZoneInfo(zone_name)))


@register.filter
def place_and_time(zone_name: str, now: dt.datetime | None = None) -> str:
    """ "New York, 9:41 a.m.": how a client recognises their own time zone."""
    return f"{place(zone_name)}, {local_clock(zone_name, now)}"


@register.filter
def sentence(text: str) -> str:
    """End a sentence with one full stop, also after "a.m."."""
    return text if text.endswith(".") else f"{text}."


TZ_TABLES = Path("/usr/share/zoneinfo")


@cache
def grouped_time_zones() -> list[tuple[str, list[tuple[str, str]]]]:
    """Time-zone choices grouped by region and named by place and country ("Kolkata (India)"),
    one per place: tzdata's zone.tab lists the zones in use, without the legacy aliases
    ("US/Eastern", "Asia/Calcutta") that make the full list 600 entries long."""
    countries = _countries_by_zone()
    names = sorted(countries) or sorted(zoneinfo.available_timezones())
    groups = []
    for region in REGIONS:
        zones = [name for name in names if name.split("/", 1)[0] == region and "/" in name]
        labelled = [(name, _label(name, countries.get(name))) for name in zones]
        groups.append((region, sorted(labelled, key=lambda choice: choice[1])))
    return [*groups, ("Other", [("UTC", "UTC (Coordinated Universal Time)")])]


def _countries_by_zone() -> dict[str, str]:
    """Zone name to country, from tzdata's zone.tab and iso3166.tab; empty if they are missing."""
    try:
        codes = (TZ_TABLES / "iso3166.tab").read_text().splitlines()
        zones = (TZ_TABLES / "zone.tab").read_text().splitlines()
    except OSError:
        return {}
    names = dict(line.split("\t")[:2] for line in codes if line and not line.startswith("#"))
    countries = {}
    for line in zones:
        if line and not line.startswith("#"):
            code, _, zone = line.split("\t")[:3]
            countries[zone] = names.get(code, code).strip()
    return countries


def _label(zone_name: str, country: str | None) -> str:
    return f"{place(zone_name)} ({country})" if country else place(zone_name)


def is_known_time_zone(name: str) -> bool:
    return name in zoneinfo.available_timezones()
