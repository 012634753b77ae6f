"""SLA clocks run in opening time only: due instants and state at any moment."""

from __future__ import annotations

from ivr.domain.calendar import BusinessCalendar
from ivr.domain.sla import SlaClock, SlaState, pickup_time, sla_state
from ivr.domain.triage import Category
from tests.domain.conftest import at


def test_received_in_hours_the_clock_starts_at_once(calendar: BusinessCalendar) -> None:
    due = SlaClock.start(calendar, Category.ONE, at(2026, 11, 24, 10, 0))
    assert due.clock_start == at(2026, 11, 24, 10, 0)
    assert due.reaction_due == at(2026, 11, 24, 10, 30)
    assert due.restore_due == at(2026, 11, 24, 14, 0)


def test_received_at_16_45_reaction_due_next_working_day_08_45(calendar) -> None:
    due = SlaClock.start(calendar, Category.ONE, at(2026, 11, 24, 16, 45))
    assert due.reaction_due == at(2026, 11, 25, 8, 45)
    assert due.restore_due == at(2026, 11, 25, 12, 15)  # 15 min Tuesday, 3 h 45 Wednesday


def test_received_on_saturday_night_the_clock_starts_monday(calendar) -> None:
    due = SlaClock.start(calendar, Category.TWO, at(2026, 11, 28, 22, 0))
    assert due.clock_start == at(2026, 11, 30, 8, 30)
    assert (due.reaction_due, due.restore_due) == (
        at(2026, 11, 30, 9, 30),
        at(2026, 11, 30, 16, 30),
    )


def test_category_3_restore_spans_the_weekend(calendar) -> None:
    due = SlaClock.start(calendar, Category.THREE, at(2026, 11, 27, 10, 0))  # a Friday
    assert due.restore_due == at(2026, 12, 1, 9, 0)  # 7 h Fri + 8.5 h Mon + 0.5 h Tue


def test_category_4_restore_is_by_appointment(calendar) -> None:
    due = SlaClock.start(calendar, Category.FOUR, at(2026, 11, 24, 10, 0))
    assert due.reaction_due == at(2026, 11, 24, 14, 0)
    assert due.restore_due is None and due.status_report_every is None


def test_states_on_time_due_soon_breached_met(calendar: BusinessCalendar) -> None:
    start, due = at(2026, 11, 24, 10, 0), at(2026, 11, 24, 10, 30)

    def state(now, **kw):  # type: ignore[no-untyped-def]
        return sla_state(calendar, start, due, now, **kw)

    assert state(at(2026, 11, 24, 10, 10)) is SlaState.ON_TIME
    assert state(at(2026, 11, 24, 10, 23)) is SlaState.DUE_SOON  # 7 of 30 minutes left
    assert state(at(2026, 11, 24, 10, 30)) is SlaState.BREACHED
    assert state(at(2026, 11, 24, 11, 0), done_at=at(2026, 11, 24, 10, 20)) is SlaState.MET
    assert state(at(2026, 11, 24, 11, 0), done_at=at(2026, 11, 24, 10, 40)) is SlaState.BREACHED


def test_due_soon_counts_opening_time_not_the_night(calendar) -> None:
    start, due = at(2026, 11, 24, 16, 45), at(2026, 11, 25, 8, 45)  # 30 opening minutes
    assert sla_state(calendar, start, due, at(2026, 11, 24, 22, 0)) is SlaState.ON_TIME
    assert sla_state(calendar, start, due, at(2026, 11, 25, 8, 30)) is SlaState.ON_TIME  # 15 left
    assert sla_state(calendar, start, due, at(2026, 11, 25, 8, 40)) is SlaState.DUE_SOON


def test_next_status_report_every_two_opening_hours(calendar) -> None:
    start = at(2026, 11, 24, 14, 0)
    report = SlaClock.next_status_report(calendar, Category.ONE, start, at(2026, 11, 24, 15, 0))
    assert report == at(2026, 11, 24, 16, 0)
    report = SlaClock.next_status_report(calendar, Category.ONE, start, at(2026, 11, 24, 16, 30))
    assert report == at(2026, 11, 25, 9, 30)  # 30 min left on Tuesday, 1 h 30 on Wednesday
    assert SlaClock.next_status_report(calendar, Category.FOUR, start, start) is None


def test_targets_are_strict_a_reaction_at_exactly_the_due_instant_is_late(calendar) -> None:
    start, due = at(2026, 11, 24, 10, 0), at(2026, 11, 24, 10, 30)  # "< 30 min"
    just_before = at(2026, 11, 24, 10, 29, 59)
    assert sla_state(calendar, start, due, due, done_at=just_before) is SlaState.MET
    assert sla_state(calendar, start, due, due, done_at=due) is SlaState.BREACHED
    assert sla_state(calendar, start, due, due) is SlaState.BREACHED


def test_a_report_finished_after_closing_is_picked_up_at_the_next_opening(calendar) -> None:
    received, finished = at(2026, 11, 24, 16, 57), at(2026, 11, 24, 17, 3)
    assert pickup_time(calendar, received, finished) == at(2026, 11, 25, 8, 30)
    assert pickup_time(calendar, received) == received  # still open when it came in
    assert pickup_time(calendar, at(2026, 11, 24, 8, 27), at(2026, 11, 24, 8, 33)) == at(
        2026, 11, 24, 8, 33
    )
