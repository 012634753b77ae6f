"""Dates and times people type: one range, wall-clock times that exist, an error that says why."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ivr.domain.moments import EARLIEST, LATEST, DateInputError, parse_day, parse_moment

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0001-01-01", "outside"),
        ("9999-12-31", "outside"),
        ("1969-12-31", "outside"),
        ("2200-01-01", "outside"),
        ("yesterday", "not a date"),
        ("", "not a date"),
        ("2026-02-30", "not a date"),
    ],
)
def test_days_outside_the_range_or_malformed_are_refused(text: str, says: str) -> None:
    with pytest.raises(DateInputError, match=says):
        parse_day(text, "start")


def test_days_inside_the_range() -> None:
    assert parse_day("2099-12-31", "end") == date(2099, 12, 31)
    assert parse_day(EARLIEST.isoformat()) == EARLIEST
    assert parse_day(LATEST.isoformat()) == LATEST


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0001-01-01T00:00", "outside"),
        ("0001-01-01", "outside"),
        ("9999-12-31T23:59:59-14:00", "outside"),
        ("0001-01-01T00:00+14:00", "outside"),
        ("2027-03-28T02:30", "does not exist"),  # the clocks go from 02:00 to 03:00
        ("2027-03-28 02:00", "does not exist"),
        ("soon", "not a date"),
    ],
)
def test_moments_outside_the_range_or_in_the_dst_gap_are_refused(text: str, says: str) -> None:
    with pytest.raises(DateInputError, match=says):
        parse_moment(text, AMSTERDAM, "start")


def test_moments_are_read_in_the_desks_zone_unless_an_offset_is_given() -> None:
    assert parse_moment("2027-03-28T03:00", AMSTERDAM) == datetime(2027, 3, 28, 3, tzinfo=AMSTERDAM)
    assert parse_moment("2026-11-29", AMSTERDAM) == datetime(2026, 11, 29, tzinfo=AMSTERDAM)
    given = parse_moment("2026-11-29T10:00+00:00", AMSTERDAM)
    assert given.utcoffset() is not None and given.hour == 10
    # The hour that happens twice (autumn) is the first one, as a clock on the wall reads it.
    autumn = parse_moment("2027-10-31T02:30", AMSTERDAM)
    assert autumn.utcoffset().total_seconds() == 7200  # type: ignore[union-attr]
