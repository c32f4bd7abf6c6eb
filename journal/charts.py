"""The "My progress" charts as plain SVG geometry, computed here and drawn by the template:
no chart library, nothing fetched, readable without colour and printable."""

import datetime as dt
from dataclasses import dataclass

WIDTH, HEIGHT = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 28, 8, 10, 26
PAIN_MAX = 10


@dataclass
class Point:
    x: float
    y: float
    label: str


@dataclass
class Chart:
    width: int
    height: int
    grid: list[Point]  # horizontal lines, with their value as label
    ticks: list[Point]  # the week numbers along the bottom
    dots: list[Point] = None
    line: str = ""  # SVG points of a polyline
    marks: list[Point] = None  # progress-check values (squares)
    bars: list[tuple[float, float, float, float, str]] = None  # x, y, width, height, label


def _x(week_position: float, weeks: int) -> float:
    """Position on the x axis of a moment in weeks since the start (0 = start, weeks = end),
    to a tenth of a pixel: written as is into the SVG."""
    return round(LEFT + (WIDTH - LEFT - RIGHT) * week_position / max(weeks, 1), 1)


def _y(value: float, top_value: float) -> float:
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top_value), 1)


def _axes(weeks: int, top_value: int, step: int, centred: bool):
    grid = [Point(LEFT, _y(v, top_value), str(v)) for v in range(0, top_value + 1, step)]
    offset = 0.5 if centred else 0
    ticks = [Point(_x(n - 1 + offset, weeks), HEIGHT - 8, str(n)) for n in range(1, weeks + 1)]
    return grid, ticks


def pain_chart(journal) -> Chart:
    """Pain after each session (dots), the weekly mean (line), and the progress checks' weekly
    pain at weeks 0, 4 and 8 (squares)."""
    weeks = len(journal.weeks)
    grid, ticks = _axes(weeks, PAIN_MAX, 2, centred=True)
    enrollment = journal.enrollment
    interval = dt.timedelta(days=enrollment.program.unlock_interval_days)
    dots = []
    for practice in journal.practices:
        if practice.pain is None:
            continue
        # Placed in its program week (the unlock rule's, pauses included), then by time in it.
        week = journal.week_of(practice.practised_at)
        into = (practice.practised_at - journal.weeks_open_at[week - 1]) / interval
        position = week - 1 + min(max(into, 0), 0.95)
        dots.append(Point(_x(position, weeks), _y(practice.pain, PAIN_MAX), str(practice.pain)))
    line = " ".join(
        f"{_x(row.number - 0.5, weeks):.1f},{_y(row.mean_pain, PAIN_MAX):.1f}"
        for row in journal.weeks
        if row.mean_pain is not None
    )
    marks = [
        Point(_x(min(week, weeks), weeks), _y(value, PAIN_MAX), str(value))
        for week in journal.checks
        if (value := journal.nprs(week)) is not None
    ]
    return Chart(WIDTH, HEIGHT, grid, ticks, dots=dots, line=line, marks=marks)


def sessions_chart(journal) -> Chart:
    weeks = len(journal.weeks)
    top = max([4, *(row.sessions for row in journal.weeks)])
    grid, ticks = _axes(weeks, top, 1 if top <= 6 else 2, centred=True)
    slot = (WIDTH - LEFT - RIGHT) / max(weeks, 1)
    bars = [
        (
            round(_x(row.number - 1, weeks) + slot * 0.2, 1),
            _y(row.sessions, top),
            round(slot * 0.6, 1),
            round(_y(0, top) - _y(row.sessions, top), 1),
            str(row.sessions),
        )
        for row in journal.weeks
    ]
    return Chart(WIDTH, HEIGHT, grid, ticks, bars=bars)


@dataclass
class ActivityRow:
    activity: str
    ratings: list[int | None]  # at weeks 0, 4 and 8


def activity_rows(journal) -> list[ActivityRow]:
    return [
        ActivityRow(activity, [journal.psfs(week).get(activity) for week in (0, 4, 8)])
        for activity in journal.activities
    ]
