"""Properties of the business calendar that hold for any instant (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ivr.domain.sla import SlaClock
from ivr.domain.triage import Category
from tests.domain.conftest import desk

CALENDARS = [desk(), desk("mon-fri 08:00-12:00,13:00-17:30; sat 09:00-12:00")]

# Any minute from 2026 to 2028: DST switches, holidays and year ends included.
instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
).map(lambda t: t.replace(second=0, microsecond=0))
durations = st.integers(min_value=0, max_value=60 * 60).map(lambda m: timedelta(minutes=m))
calendars = st.sampled_from(CALENDARS)
PROPERTY = settings(max_examples=150, deadline=None)


@PROPERTY
@given(calendars, instants, st.lists(st.floats(0, 1), min_size=1, max_size=5))
def test_next_opening_is_open_and_nothing_before_it_is(calendar, t, fractions) -> None:
    opening = calendar.next_opening(t)
    assert opening >= t and opening.tzinfo is not None
    assert calendar.is_open(opening)
    for fraction in fractions:
        between = t + (opening - t) * fraction
        if between < opening:
            assert not calendar.is_open(between)


@PROPERTY
@given(calendars, instants, durations, durations)
def test_adding_opening_time_is_monotonic_and_additive(calendar, t, a, b) -> None:
    first = calendar.add_opening_time(t, a)
    both = calendar.add_opening_time(t, a + b)
    assert both >= first
    assert calendar.add_opening_time(first, b) == both


@PROPERTY
@given(calendars, instants, durations)
def test_elapsed_opening_time_inverts_adding_it(calendar, t, d) -> None:
    assert calendar.opening_time_between(t, calendar.add_opening_time(t, d)) == d


@PROPERTY
@given(calendars, instants, instants, instants)
def test_elapsed_opening_time_adds_up_over_a_split(calendar, a, b, c) -> None:
    a, b, c = sorted((a, b, c))
    whole = calendar.opening_time_between(a, c)
    assert whole == calendar.opening_time_between(a, b) + calendar.opening_time_between(b, c)
    assert whole <= c - a


@PROPERTY
@given(calendars, instants, st.sampled_from(list(Category)))
def test_sla_due_times_follow_the_targets_in_opening_time(calendar, received, category) -> None:
    due = SlaClock.start(calendar, category, received)
    assert calendar.is_open(due.clock_start)
    assert received <= due.clock_start <= due.reaction_due
    if due.restore_due is not None:
        assert due.reaction_due < due.restore_due
