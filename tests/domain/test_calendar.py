"""The business calendar: open or not, next opening, opening time, in Amsterdam's wall clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ivr.domain.calendar import BusinessCalendar, Closure
from tests.domain.conftest import at, desk
from tests.domain.test_holidays import LEGAL_2026, LEGAL_2027


@pytest.mark.parametrize(
    ("now", "opens"),
    [
        (at(2026, 12, 25, 10, 0), at(2026, 12, 28, 8, 30)),  # Christmas: Monday 28 December
        (at(2026, 12, 24, 17, 0), at(2026, 12, 28, 8, 30)),  # closing time counts as closed
        (at(2026, 12, 31, 17, 0), at(2027, 1, 4, 8, 30)),  # New Year 2027 is a Friday
        (at(2027, 3, 25, 17, 30), at(2027, 3, 30, 8, 30)),  # Good Friday and Easter Monday 2027
        (at(2027, 4, 26, 18, 0), at(2027, 4, 28, 8, 30)),  # King's Day 2027, a Tuesday
        (at(2027, 5, 4, 17, 0), at(2027, 5, 7, 8, 30)),  # Liberation Day, then Ascension
        (at(2027, 5, 14, 17, 0), at(2027, 5, 18, 8, 30)),  # Whit Monday 2027
        (at(2026, 11, 24, 10, 0), at(2026, 11, 24, 10, 0)),  # open: now
        (at(2026, 11, 24, 8, 29), at(2026, 11, 24, 8, 30)),
        (at(2026, 11, 28, 12, 0), at(2026, 11, 30, 8, 30)),  # an ordinary Saturday
    ],
)
def test_next_opening(calendar: BusinessCalendar, now: datetime, opens: datetime) -> None:
    assert calendar.next_opening(now) == opens


@pytest.mark.parametrize("day", sorted(LEGAL_2026) + sorted(LEGAL_2027))
def test_every_legal_holiday_is_closed_and_the_weekdays_around_it_open(
    calendar: BusinessCalendar, day: date
) -> None:
    assert not calendar.is_open(at(day.year, day.month, day.day, 12, 0))
    assert calendar.closed_day(day).kind == "holiday"  # type: ignore[union-attr]
    legal = set(LEGAL_2026) | set(LEGAL_2027)
    for neighbour in (day - timedelta(days=1), day + timedelta(days=1)):
        if neighbour.weekday() < 5 and neighbour not in legal:
            noon = at(neighbour.year, neighbour.month, neighbour.day, 12, 0)
            assert calendar.is_open(noon), neighbour


@pytest.mark.parametrize(
    ("t", "is_open"),
    [
        (at(2026, 11, 24, 8, 29, 59), False),
        (at(2026, 11, 24, 8, 30), True),
        (at(2026, 11, 24, 16, 59, 59), True),
        (at(2026, 11, 24, 17, 0), False),
        (at(2026, 11, 29, 10, 0), False),  # Sunday
    ],
)
def test_open_exactly_within_the_hours(
    calendar: BusinessCalendar, t: datetime, is_open: bool
) -> None:
    assert calendar.is_open(t) is is_open


def test_opening_is_the_wall_clock_on_both_sides_of_the_spring_switch(calendar) -> None:
    # 29 March 2026: clocks go from 02:00 CET to 03:00 CEST.
    assert calendar.next_opening(at(2026, 3, 27, 8, 0)).astimezone(UTC) == datetime(
        2026, 3, 27, 7, 30, tzinfo=UTC
    )
    assert calendar.next_opening(at(2026, 3, 28, 12, 0)).astimezone(UTC) == datetime(
        2026, 3, 30, 6, 30, tzinfo=UTC
    )
    friday, monday = at(2026, 3, 27, 16, 0), at(2026, 3, 30, 9, 30)
    assert calendar.opening_time_between(friday, monday) == timedelta(hours=2)


def test_opening_is_the_wall_clock_on_both_sides_of_the_autumn_switch(calendar) -> None:
    # 31 October 2027: clocks go from 03:00 CEST back to 02:00 CET; the weekend is 25 h long.
    assert calendar.next_opening(at(2027, 10, 30, 12, 0)).astimezone(UTC) == datetime(
        2027, 11, 1, 7, 30, tzinfo=UTC
    )
    friday, monday = at(2027, 10, 29, 16, 30), at(2027, 11, 1, 9, 0)
    assert calendar.opening_time_between(friday, monday) == timedelta(hours=1)
    assert calendar.add_opening_time(friday, timedelta(hours=1)) == monday


@pytest.mark.parametrize(
    ("start", "delta", "end"),
    [
        (at(2026, 11, 24, 16, 45), timedelta(minutes=30), at(2026, 11, 25, 8, 45)),
        (at(2026, 11, 27, 10, 0), timedelta(hours=16), at(2026, 12, 1, 9, 0)),  # over a weekend
        (at(2026, 12, 24, 16, 0), timedelta(hours=2), at(2026, 12, 28, 9, 30)),  # over Christmas
        (at(2026, 11, 28, 3, 0), timedelta(0), at(2026, 11, 30, 8, 30)),  # zero: next opening
        (at(2026, 11, 24, 10, 0), timedelta(hours=7), at(2026, 11, 24, 17, 0)),  # to the minute
        (at(2026, 11, 24, 17, 0), timedelta(0), at(2026, 11, 24, 17, 0)),  # zero at closing
        (at(2026, 11, 24, 17, 0), timedelta(minutes=1), at(2026, 11, 25, 8, 31)),
    ],
)
def test_add_opening_time(calendar: BusinessCalendar, start, delta, end) -> None:
    assert calendar.add_opening_time(start, delta) == end
    assert calendar.opening_time_between(start, end) == delta


def test_next_working_day_and_current_closing(calendar: BusinessCalendar) -> None:
    assert calendar.next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert calendar.next_working_day(date(2027, 5, 4)) == date(2027, 5, 7)
    assert calendar.current_closing(at(2026, 11, 24, 10, 0)) == at(2026, 11, 24, 17, 0)
    assert calendar.current_closing(at(2026, 11, 24, 18, 0)) is None


def test_lunch_break_and_saturday_hours() -> None:
    calendar = desk("mon-fri 08:00-12:00,13:00-17:30; sat 09:00-12:00")
    assert not calendar.is_open(at(2026, 11, 23, 12, 30))
    assert calendar.next_opening(at(2026, 11, 23, 12, 30)) == at(2026, 11, 23, 13, 0)
    assert calendar.add_opening_time(at(2026, 11, 23, 11, 30), timedelta(hours=1)) == at(
        2026, 11, 23, 13, 30
    )
    assert calendar.is_open(at(2026, 11, 28, 10, 0))  # Saturday morning
    assert calendar.next_opening(at(2026, 11, 28, 12, 0)) == at(2026, 11, 30, 8, 0)
    assert calendar.opening_time_between(at(2026, 11, 23, 0, 0), at(2026, 11, 24, 0, 0)) == (
        timedelta(hours=8, minutes=30)
    )


def test_closures_a_day_and_a_span_with_their_reason() -> None:
    bridge = Closure(date(2027, 5, 7), date(2027, 5, 7), "Vrijdag na Hemelvaart", "Brückentag")
    move = Closure(date(2027, 8, 2), date(2027, 8, 4), "Verhuizing", "Umzug")
    calendar = desk(closures=(bridge, move))
    assert calendar.next_opening(at(2027, 5, 4, 17, 0)) == at(2027, 5, 10, 8, 30)
    closed = calendar.closed_day(date(2027, 8, 3))
    assert closed is not None and (closed.reason_nl, closed.reason_de, closed.kind) == (
        "Verhuizing",
        "Umzug",
        "closure",
    )
    assert calendar.next_opening(at(2027, 8, 2, 9, 0)) == at(2027, 8, 5, 8, 30)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("mon-fri 17:00-08:30", "ends before it starts"),
        ("mon-fri 08:30-12:00,11:00-17:00", "overlapping"),
        ("maandag 08:30-17:00", "unknown day"),
        ("mon-fri 8.30-17.00", "is not HH:MM-HH:MM"),
        ("fri-mon 08:30-17:00", "runs backwards"),
        ("mon-fri", "needs days and times"),
        ("", "never open"),
    ],
)
def test_misconfigured_hours_are_explained(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        desk(text)


def test_naive_times_are_refused(calendar: BusinessCalendar) -> None:
    with pytest.raises(ValueError, match="aware"):
        calendar.is_open(datetime(2026, 11, 24, 10, 0))


@pytest.mark.parametrize(
    ("now", "closed"),
    [
        (at(2026, 11, 24, 10, 0), at(2026, 11, 23, 17, 0)),  # open Tuesday: since Monday 17:00
        (at(2026, 11, 24, 17, 0), at(2026, 11, 24, 17, 0)),  # closing time itself
        (at(2026, 11, 30, 8, 45), at(2026, 11, 27, 17, 0)),  # Monday morning: since Friday
        (at(2026, 12, 28, 9, 0), at(2026, 12, 24, 17, 0)),  # after Christmas: since Thursday
    ],
)
def test_previous_closing(calendar: BusinessCalendar, now: datetime, closed: datetime) -> None:
    assert calendar.previous_closing(now) == closed


LONG_CLOSURE = Closure(date(2026, 1, 1), date(2099, 12, 31), "verbouwing", "Umbau")


def test_no_opening_known_is_an_answer_not_an_error() -> None:
    closed = desk(closures=(LONG_CLOSURE,))
    now = at(2026, 11, 24, 10, 0)
    assert closed.next_opening(now) is None
    assert closed.add_opening_time(now, timedelta(hours=1)) is None
    assert closed.next_working_day(date(2026, 11, 24)) is None
    assert not closed.is_open(now)
    assert closed.opening_time_between(now, now + timedelta(days=30)) == timedelta(0)


def test_a_closure_is_stepped_over_whole() -> None:
    """A closure of two years ending before the search horizon still finds the opening after it."""
    closure = Closure(date(2026, 12, 1), date(2028, 11, 30), "verbouwing", "Umbau")
    assert desk(closures=(closure,)).next_opening(at(2026, 12, 1, 9, 0)) == at(2028, 12, 1, 8, 30)


def test_the_previous_closing_of_a_desk_never_open_is_unknown() -> None:
    closure = Closure(date(2020, 1, 1), date(2099, 12, 31), "verbouwing", "Umbau")
    assert desk(closures=(closure,)).previous_closing(at(2026, 11, 24, 10, 0)) is None
