"""Standard changes are carried out within two working days (seed 004)."""

from __future__ import annotations

from ivr.domain.calendar import BusinessCalendar
from ivr.domain.changes import standard_change_due
from tests.domain.conftest import at


def test_requested_on_the_friday_before_whitsun_due_on_wednesday(calendar: BusinessCalendar):
    # Whit Monday (17 May 2027) is a holiday: Tuesday and Wednesday are the two working days.
    assert standard_change_due(calendar, at(2027, 5, 14, 14, 0)) == at(2027, 5, 19, 17, 0)
    assert standard_change_due(calendar, at(2027, 5, 14, 22, 0)) == at(2027, 5, 19, 17, 0)


def test_working_days_not_hours(calendar: BusinessCalendar) -> None:
    # Tuesday 08:31 or 16:59: the day of the request does not count, Thursday closes it.
    assert standard_change_due(calendar, at(2026, 11, 24, 8, 31)) == at(2026, 11, 26, 17, 0)
    assert standard_change_due(calendar, at(2026, 11, 24, 16, 59)) == at(2026, 11, 26, 17, 0)
    # Saturday: Monday and Tuesday.
    assert standard_change_due(calendar, at(2026, 11, 28, 10, 0)) == at(2026, 12, 1, 17, 0)


def test_christmas_and_new_year(calendar: BusinessCalendar) -> None:
    # Thu 24 Dec 2026: Christmas Day and Boxing Day are holidays, then a weekend.
    assert standard_change_due(calendar, at(2026, 12, 24, 12, 0)) == at(2026, 12, 29, 17, 0)
