"""The domain core's fixtures: a desk calendar as configured by default, no app, no database."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ivr.domain.calendar import BusinessCalendar, Closure
from ivr.domain.holidays import HolidayCalendar
from ivr.domain.hours import OpeningHours

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(*args: int) -> datetime:
    """A wall-clock time in Amsterdam."""
    return datetime(*args, tzinfo=AMSTERDAM)  # type: ignore[misc]


def desk(
    hours: str = "mon-fri 08:30-17:00", closures: tuple[Closure, ...] = ()
) -> BusinessCalendar:
    return BusinessCalendar(OpeningHours.parse(hours), AMSTERDAM, HolidayCalendar("NL"), closures)


@pytest.fixture
def calendar() -> BusinessCalendar:
    return desk()
