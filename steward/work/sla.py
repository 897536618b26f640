"""Business-hours arithmetic for SLA clocks.

A practice's business hours are weekday → list of ["HH:MM", "HH:MM"] spans in
its own time zone (``tenancy.Organization.business_hours``). SLA targets count
only the seconds inside those spans: a 4-hour target set at 16:00 on a Friday
with 09:00 to 17:00 hours is due at 12:00 on Monday. Wall-clock spans are turned
into instants day by day, so daylight-saving changes shorten or lengthen a
day exactly as the clocks on the practice's wall do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Search horizon: a target never needs more than this many calendar days of business hours.
MAX_DAYS = 3700


class NoBusinessHours(ValueError):
    """The practice has no open span in any weekday."""


def _spans(hours: dict[str, list[list[str]]]) -> dict[int, list[tuple[dt.time, dt.time]]]:
    spans = {
        index: sorted(
            (dt.time.fromisoformat(start), dt.time.fromisoformat(end))
            for start, end in hours.get(day, [])
        )
        for index, day in enumerate(WEEKDAYS)
    }
    if not any(spans.values()):
        raise NoBusinessHours("No business hours are set on any day.")
    return spans


def open_intervals(
    start: dt.datetime, hours: dict[str, list[list[str]]], time_zone: str
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The business-hours intervals from ``start`` on, in order, as aware UTC instants."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    zone = ZoneInfo(time_zone)
    spans = _spans(hours)
    day = start.astimezone(zone).date() - dt.timedelta(days=1)  # a span may straddle midnight UTC
    for _ in range(MAX_DAYS):
        for opening, closing in spans[day.weekday()]:
            begin = dt.datetime.combine(day, opening, tzinfo=zone).astimezone(dt.UTC)
            end = dt.datetime.combine(day, closing, tzinfo=zone).astimezone(dt.UTC)
            if end <= start:
                continue
            yield max(begin, start), end
        day += dt.timedelta(days=1)
    raise NoBusinessHours("No business hours within the search horizon.")


def add_business_seconds(
    start: dt.datetime, seconds: float, hours: dict[str, list[list[str]]], time_zone: str
) -> dt.datetime:
    """The instant at which ``seconds`` of business time have passed since ``start``."""
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    if seconds == 0:
        # Nothing to add: "now", even at a closing time. Moving on to the next opening would
        # make adding in two steps differ from adding at once when the first ends on a close.
        return start
    remaining = dt.timedelta(seconds=seconds)
    for begin, end in open_intervals(start, hours, time_zone):
        if remaining <= end - begin:
            return begin + remaining
        remaining -= end - begin
    raise NoBusinessHours("unreachable")  # pragma: no cover - open_intervals raises first


def business_seconds_between(
    start: dt.datetime, end: dt.datetime, hours: dict[str, list[list[str]]], time_zone: str
) -> float:
    """Seconds of business time in [start, end) (0 when end is not after start)."""
    if end <= start:
        return 0.0
    total = dt.timedelta()
    for begin, close in open_intervals(start, hours, time_zone):
        if begin >= end:
            break
        total += min(close, end) - begin
    return total.total_seconds()
