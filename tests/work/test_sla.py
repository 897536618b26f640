"""Business-hours SLA arithmetic: examples, then properties across zones, weekends and DST."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.work.sla import (
    NoBusinessHours,
    add_business_seconds,
    business_seconds_between,
    open_intervals,
)

pytestmark = pytest.mark.no_db

WEEKDAY_9_TO_5 = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
SPLIT = {
    "mon": [["08:00", "12:00"], ["13:00", "18:00"]],
    "wed": [["10:00", "14:00"]],
    "sat": [["09:00", "12:00"]],
}
NEW_YORK = "America/New_York"
ZONES = ("America/New_York", "America/Los_Angeles", "Asia/Manila", "Europe/London", "UTC")


def local(zone: str, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo(zone))


def test_friday_afternoon_target_lands_on_monday() -> None:
    start = local(NEW_YORK, 2026, 11, 27, 16, 0)  # Friday 16:00
    due = add_business_seconds(start, 4 * 3600, WEEKDAY_9_TO_5, NEW_YORK)
    assert due == local(NEW_YORK, 2026, 11, 30, 12, 0)  # Monday 12:00


def test_created_out_of_hours_starts_at_opening() -> None:
    start = local(NEW_YORK, 2026, 11, 28, 23, 30)  # Saturday night
    due = add_business_seconds(start, 30 * 60, WEEKDAY_9_TO_5, NEW_YORK)
    assert due == local(NEW_YORK, 2026, 11, 30, 9, 30)


def test_lunch_break_is_skipped() -> None:
    start = local(NEW_YORK, 2026, 11, 30, 11, 0)  # Monday
    due = add_business_seconds(start, 2 * 3600, SPLIT, NEW_YORK)
    assert due == local(NEW_YORK, 2026, 11, 30, 14, 0)


def test_daylight_saving_change_is_wall_clock() -> None:
    # 2026-03-08: New York springs forward at 02:00; 09:00-17:00 is still 8 business hours.
    start = local(NEW_YORK, 2026, 3, 6, 17, 0)  # Friday close
    due = add_business_seconds(start, 3600, WEEKDAY_9_TO_5, NEW_YORK)
    assert due == local(NEW_YORK, 2026, 3, 9, 10, 0)
    assert due.astimezone(ZoneInfo(NEW_YORK)).utcoffset() == dt.timedelta(hours=-4)


def test_the_same_instant_in_another_practice_zone() -> None:
    start = dt.datetime(2026, 11, 30, 22, 0, tzinfo=dt.UTC)  # 17:00 New York, Tue 06:00 Manila
    ny = add_business_seconds(start, 3600, WEEKDAY_9_TO_5, NEW_YORK)
    manila = add_business_seconds(start, 3600, WEEKDAY_9_TO_5, "Asia/Manila")
    assert ny == local(NEW_YORK, 2026, 12, 1, 10, 0)
    assert manila == local("Asia/Manila", 2026, 12, 1, 10, 0)


def test_no_hours_at_all_is_refused() -> None:
    with pytest.raises(NoBusinessHours):
        add_business_seconds(dt.datetime.now(dt.UTC), 60, {}, "UTC")


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next(open_intervals(dt.datetime(2026, 1, 1), WEEKDAY_9_TO_5, "UTC"))  # noqa: DTZ001


# Hypothesis takes naive bounds and attaches the time zone itself.
instants = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2028, 12, 31),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)
hours = st.sampled_from([WEEKDAY_9_TO_5, SPLIT])
zones = st.sampled_from(ZONES)
amounts = st.integers(min_value=0, max_value=60 * 3600)


@settings(max_examples=150, deadline=None)
@given(start=instants, seconds=amounts, schedule=hours, zone=zones)
def test_adding_then_measuring_gives_back_the_amount(
    start: dt.datetime, seconds: int, schedule: dict[str, list[list[str]]], zone: str
) -> None:
    due = add_business_seconds(start, seconds, schedule, zone)
    assert due >= start
    assert business_seconds_between(start, due, schedule, zone) == pytest.approx(seconds)


@settings(max_examples=150, deadline=None)
@given(start=instants, a=amounts, b=amounts, schedule=hours, zone=zones)
def test_adding_is_monotonic_and_composes(
    start: dt.datetime, a: int, b: int, schedule: dict[str, list[list[str]]], zone: str
) -> None:
    low, high = sorted((a, b))
    assert add_business_seconds(start, low, schedule, zone) <= add_business_seconds(
        start, high, schedule, zone
    )
    once = add_business_seconds(start, a + b, schedule, zone)
    twice = add_business_seconds(add_business_seconds(start, a, schedule, zone), b, schedule, zone)
    assert once == twice


@settings(max_examples=150, deadline=None)
@given(start=instants, seconds=st.integers(min_value=1, max_value=20 * 3600), zone=zones)
def test_a_due_time_is_inside_business_hours(start: dt.datetime, seconds: int, zone: str) -> None:
    due = add_business_seconds(start, seconds, WEEKDAY_9_TO_5, zone).astimezone(ZoneInfo(zone))
    assert due.weekday() < 5
    assert dt.time(9, 0) < due.time() <= dt.time(17, 0)


@settings(max_examples=100, deadline=None)
@given(start=instants, gap=st.integers(min_value=0, max_value=10 * 86400), zone=zones)
def test_measured_time_never_exceeds_wall_time(start: dt.datetime, gap: int, zone: str) -> None:
    end = start + dt.timedelta(seconds=gap)
    measured = business_seconds_between(start, end, WEEKDAY_9_TO_5, zone)
    assert 0 <= measured <= gap


def test_adding_nothing_at_a_closing_time_stays_put() -> None:
    # Found by hypothesis: 60 business hours from 1 Feb ended at Monday 18:00 (a close);
    # adding 0 more then jumped to Wednesday's opening, so two steps differed from one.
    schedule = {
        "mon": [["08:00", "12:00"], ["13:00", "18:00"]],
        "wed": [["10:00", "14:00"]],
        "sat": [["09:00", "12:00"]],
    }
    start = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    first = add_business_seconds(start, 216000, schedule, "America/New_York")
    assert add_business_seconds(first, 0, schedule, "America/New_York") == first
