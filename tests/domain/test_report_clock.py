"""The status report clock: 2, 4 and 6 hours of opening time, or by appointment (the seed)."""

from __future__ import annotations

import pytest

from ivr.domain.calendar import BusinessCalendar
from ivr.domain.sla import SlaState, status_report_due, status_report_state
from ivr.domain.triage import Category
from tests.domain.conftest import at


@pytest.mark.parametrize(
    ("category", "due"),
    [
        (Category.ONE, at(2026, 11, 24, 12, 0)),
        (Category.TWO, at(2026, 11, 24, 14, 0)),
        (Category.THREE, at(2026, 11, 24, 16, 0)),
    ],
)
def test_first_report_one_interval_after_the_start(calendar, category, due) -> None:
    assert status_report_due(calendar, category, at(2026, 11, 24, 10, 0)) == due


def test_interval_runs_over_christmas_and_the_weekend(calendar: BusinessCalendar) -> None:
    # Thursday 24 December 16:00: one hour left; Friday and Saturday are Christmas, then Sunday.
    assert status_report_due(calendar, Category.ONE, at(2026, 12, 24, 16, 0)) == at(
        2026, 12, 28, 9, 30
    )
    assert status_report_due(calendar, Category.THREE, at(2026, 12, 24, 16, 0)) == at(
        2026, 12, 28, 13, 30
    )


def test_reported_out_of_hours_the_interval_starts_at_the_opening(calendar) -> None:
    assert status_report_due(calendar, Category.TWO, at(2026, 11, 28, 22, 0)) == at(
        2026, 11, 30, 12, 30
    )


def test_by_appointment_the_report_is_due_at_the_agreed_time(calendar) -> None:
    assert status_report_due(calendar, Category.FOUR, at(2026, 11, 24, 10, 0)) is None
    agreed = at(2026, 11, 26, 11, 0)
    assert status_report_due(calendar, Category.FOUR, at(2026, 11, 24, 10, 0), agreed) == agreed


def test_states_on_time_due_soon_overdue(calendar) -> None:
    due = at(2026, 11, 24, 12, 0)  # category 1: two hours
    assert status_report_state(calendar, Category.ONE, due, at(2026, 11, 24, 11, 0)) is (
        SlaState.ON_TIME
    )
    assert status_report_state(calendar, Category.ONE, due, at(2026, 11, 24, 11, 40)) is (
        SlaState.DUE_SOON
    )
    assert status_report_state(calendar, Category.ONE, due, due) is SlaState.BREACHED
    appointment = at(2026, 11, 30, 9, 0)  # Monday: Friday evening counts no hours
    assert status_report_state(calendar, Category.FOUR, appointment, at(2026, 11, 27, 16, 30)) is (
        SlaState.DUE_SOON
    )
    assert status_report_state(calendar, Category.FOUR, appointment, at(2026, 11, 27, 15, 0)) is (
        SlaState.ON_TIME
    )
