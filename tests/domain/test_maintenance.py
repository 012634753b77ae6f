"""Planned maintenance: outside opening hours, at most 24 a year, announced 3 days ahead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from ivr.domain.calendar import BusinessCalendar
from ivr.domain.maintenance import (
    MaintenanceRuleError,
    announcements_due,
    check_window,
    ensure_window_allowed,
)
from tests.domain.conftest import at

SATURDAY_22, SUNDAY_02 = at(2026, 12, 5, 22, 0), at(2026, 12, 6, 2, 0)


def codes(calendar, start, end, announced, existing=()) -> list[str]:  # type: ignore[no-untyped-def]
    return [v.code for v in check_window(calendar, start, end, announced, existing)]


def test_a_window_by_the_rules(calendar: BusinessCalendar) -> None:
    assert codes(calendar, SATURDAY_22, SUNDAY_02, SATURDAY_22 - timedelta(days=3)) == []


def test_notice_of_exactly_three_days_and_one_minute_less(calendar) -> None:
    assert codes(calendar, SATURDAY_22, SUNDAY_02, at(2026, 12, 2, 22, 0)) == []
    assert codes(calendar, SATURDAY_22, SUNDAY_02, at(2026, 12, 2, 22, 1)) == ["too_short_notice"]


def test_up_to_the_opening_minute_but_not_into_it(calendar) -> None:
    sunday_night, monday = at(2026, 12, 6, 23, 0), at(2026, 12, 7, 8, 30)
    announced = at(2026, 12, 1, 9, 0)
    assert codes(calendar, sunday_night, monday, announced) == []
    late = monday + timedelta(minutes=1)
    assert codes(calendar, sunday_night, late, announced) == ["during_opening_hours"]
    friday = at(2026, 12, 4, 16, 0), at(2026, 12, 4, 18, 0)
    assert codes(calendar, *friday, announced) == ["during_opening_hours"]


def test_twenty_four_a_year_and_not_one_more(calendar) -> None:
    earlier = [at(2026, month, 1, 22, 0) for month in range(1, 12)] * 2 + [at(2026, 12, 1, 22, 0)]
    assert len(earlier) == 23
    announced = at(2026, 11, 20, 9, 0)
    assert codes(calendar, SATURDAY_22, SUNDAY_02, announced, earlier) == []
    full = [*earlier, at(2026, 12, 2, 22, 0)]
    assert codes(calendar, SATURDAY_22, SUNDAY_02, announced, full) == ["too_many_in_year"]
    next_year = at(2027, 1, 9, 22, 0), at(2027, 1, 10, 2, 0)
    assert codes(calendar, *next_year, announced, full) == []


def test_every_broken_rule_is_named_with_a_clear_message(calendar) -> None:
    full = [at(2026, 1, 3, 22, 0)] * 24
    with pytest.raises(MaintenanceRuleError) as error:
        ensure_window_allowed(calendar, at(2026, 12, 4, 16, 0), at(2026, 12, 4, 18, 0),
                              at(2026, 12, 3, 9, 0), full)  # fmt: skip
    assert [v.code for v in error.value.violations] == [
        "during_opening_hours",
        "too_many_in_year",
        "too_short_notice",
    ]
    message = str(error.value)
    assert "outside opening hours" in message
    assert "At most 24 maintenance windows per calendar year; 2026 has 24 already" in message
    assert "can start at Sun 06 Dec 2026 09:00 at the earliest" in message


def test_end_before_start(calendar) -> None:
    assert codes(calendar, SUNDAY_02, SATURDAY_22, at(2026, 11, 1, 0, 0)) == ["ends_before_start"]


@dataclass
class Window:
    starts_at: datetime
    ends_at: datetime


def test_callers_hear_of_windows_running_or_starting_within_three_days() -> None:
    now = at(2026, 12, 3, 10, 0)
    running = Window(at(2026, 12, 3, 9, 0), at(2026, 12, 3, 11, 0))
    soon = Window(at(2026, 12, 5, 22, 0), at(2026, 12, 6, 2, 0))
    edge = Window(now + timedelta(days=3), now + timedelta(days=3, hours=2))
    later = Window(at(2026, 12, 12, 22, 0), at(2026, 12, 13, 2, 0))
    over = Window(at(2026, 12, 1, 22, 0), at(2026, 12, 2, 2, 0))
    assert announcements_due([later, soon, over, edge, running], now) == [running, soon, edge]
