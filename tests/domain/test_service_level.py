"""The service-level figures: strict targets, opening time across holidays and DST, periods."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ivr.domain.calendar import BusinessCalendar
from ivr.domain.service_level import (
    CallFacts,
    IncidentFacts,
    Outcome,
    Period,
    build_report,
    median,
    p90,
)
from tests.domain.conftest import at

# March 2027: Good Friday the 26th, clocks go forward on Sunday the 28th, Easter Monday the 29th.
MARCH = Period.month(2027, 3)
AS_OF = at(2027, 4, 15, 12, 0)


def minutes(*values: float) -> list[timedelta]:
    return [timedelta(minutes=v) for v in values]


def incident(ref: str, category: int, received, ack=None, resolved=None) -> IncidentFacts:  # type: ignore[no-untyped-def]
    return IncidentFacts(ref, category, received, False, ack, resolved)


def figures(calendar: BusinessCalendar, *incidents: IncidentFacts, as_of=AS_OF):  # type: ignore[no-untyped-def]
    report = build_report(calendar, MARCH, incidents, [], as_of)
    return {c.category: c for c in report.categories}, report.breaches


def test_a_reaction_at_exactly_the_target_is_late(calendar: BusinessCalendar) -> None:
    # Thursday 16:45 before Easter: 15 minutes Thursday, then closed until Tuesday 08:30 (CEST).
    late = incident("10000001", 1, at(2027, 3, 25, 16, 45), ack=at(2027, 3, 30, 8, 45))
    in_time = incident("10000002", 1, at(2027, 3, 25, 16, 45), ack=at(2027, 3, 30, 8, 44, 59))
    cats, breaches = figures(calendar, late, in_time)
    assert (cats[1].reaction_met, cats[1].reaction_measured) == (1, 2)
    assert cats[1].reaction_pct == 50.0
    assert [(b.reference, b.clock, b.took) for b in breaches if b.clock == "reaction"] == [
        ("10000001", "reaction", timedelta(minutes=30))
    ]


def test_opening_time_ignores_the_dst_hour_and_the_holidays(calendar: BusinessCalendar) -> None:
    # Saturday 23:00 CET; the clock starts Tuesday 08:30 CEST. Wall clock: 2 days 10 h 29 min.
    reacted = incident(
        "20000001",
        3,
        at(2027, 3, 27, 23, 0),
        ack=at(2027, 3, 30, 10, 29),
        resolved=at(2027, 3, 30, 16, 0),
    )
    # Restore 16 h: Tuesday 08:30-17:00 (8.5 h) and Wednesday 08:30-16:00 (7.5 h): exactly late.
    restored = incident(
        "20000002",
        3,
        at(2027, 3, 27, 23, 0),
        ack=at(2027, 3, 30, 8, 30),
        resolved=at(2027, 3, 31, 16, 0),
    )
    cats, breaches = figures(calendar, reacted, restored)
    assert cats[3].reaction_times == minutes(119, 0)
    assert (cats[3].reaction_met, cats[3].restore_met, cats[3].restore_measured) == (2, 1, 2)
    assert cats[3].restore_times == minutes(450, 960)
    assert [(b.reference, b.clock, b.took) for b in breaches] == [
        ("20000002", "restore", timedelta(hours=16))
    ]


def test_clocks_still_running_are_not_counted_until_past_their_target(
    calendar: BusinessCalendar,
) -> None:
    received = at(2027, 3, 31, 10, 0)  # category 2: reaction due 11:00, restore due Thu 10:00
    waiting = incident("30000001", 2, received)
    cats, _ = figures(calendar, waiting, as_of=at(2027, 3, 31, 10, 59))
    assert (cats[2].incidents, cats[2].reaction_measured, cats[2].restore_measured) == (1, 0, 0)
    assert cats[2].reaction_pct is None
    cats, breaches = figures(calendar, waiting, as_of=at(2027, 3, 31, 11, 0))
    assert (cats[2].reaction_met, cats[2].reaction_measured) == (0, 1)
    assert [(b.clock, b.took) for b in breaches] == [("reaction", None)]  # not done yet


def test_category_4_restore_is_by_appointment(calendar: BusinessCalendar) -> None:
    cats, breaches = figures(
        calendar, incident("40000001", 4, at(2027, 3, 26, 10, 0), ack=at(2027, 3, 30, 12, 30))
    )
    assert cats[4].restore_by_appointment and cats[4].restore_measured == 0
    assert [(b.clock, b.took) for b in breaches] == [("reaction", timedelta(hours=4))]


def test_the_month_runs_from_local_midnight_to_local_midnight(
    calendar: BusinessCalendar,
) -> None:
    inside = [at(2027, 3, 1, 0, 0), at(2027, 3, 31, 23, 59)]  # +01:00 and +02:00
    outside = [at(2027, 2, 28, 23, 59), at(2027, 4, 1, 0, 0)]
    incidents = [incident(f"5000000{n}", 2, t) for n, t in enumerate(inside + outside)]
    calls = [CallFacts(t, Outcome.ABANDONED_MENU) for t in inside + outside]
    report = build_report(calendar, MARCH, incidents, calls, AS_OF)
    assert report.categories[1].incidents == 2
    assert report.line.calls == 2
    assert report.line.per_day[date(2027, 3, 31)][Outcome.ABANDONED_MENU] == 1


def test_calls_by_local_hour_and_day_across_the_dst_change(calendar: BusinessCalendar) -> None:
    calls = [
        CallFacts(at(2027, 3, 27, 10, 5), Outcome.REPORT_OUT_OF_HOURS),  # CET: 09:05 UTC
        CallFacts(at(2027, 3, 28, 10, 5), Outcome.REPORT_OUT_OF_HOURS),  # CEST: 08:05 UTC
        CallFacts(at(2027, 3, 30, 9, 0), Outcome.AGENT),
    ]
    line = build_report(calendar, MARCH, [], calls, AS_OF).line
    assert line.per_hour[10] == 2 and line.per_hour[9] == 1 and sum(line.per_hour) == 3
    assert line.outcomes == {
        Outcome.AGENT: 1,
        Outcome.REPORT_IN_HOURS: 0,
        Outcome.REPORT_OUT_OF_HOURS: 2,
        Outcome.CALLBACK: 0,
        Outcome.FORWARDED: 0,
        Outcome.DISRUPTION: 0,
        Outcome.STATUS: 0,
        Outcome.AGENT_PHONE: 0,
        Outcome.ABANDONED_MENU: 0,
        Outcome.ABANDONED_WAITING: 0,
    }
    assert len(line.per_day) == 31


@pytest.mark.parametrize(
    ("values", "expected_median", "expected_p90"),
    [
        ([], None, None),
        ([7], 7, 7),
        ([0, 29, 30], 29, 30),
        ([4, 1, 3, 2], 2.5, 4),
        (list(range(1, 11)), 5.5, 9),  # nearest rank: the 9th of 10
        (list(range(1, 21)), 10.5, 18),
    ],
)
def test_median_and_90th_percentile(values, expected_median, expected_p90) -> None:  # type: ignore[no-untyped-def]
    as_minutes = minutes(*values)
    assert median(as_minutes) == (
        None if expected_median is None else timedelta(minutes=expected_median)
    )
    assert p90(as_minutes) == (None if expected_p90 is None else timedelta(minutes=expected_p90))


def test_periods() -> None:
    assert Period.parse_month("2026-11") == Period(date(2026, 11, 1), date(2026, 11, 30))
    assert Period.month(2026, 12).last == date(2026, 12, 31)
    assert Period.month(2028, 2).last == date(2028, 2, 29)
    assert Period.month_before(date(2027, 1, 15)) == Period.month(2026, 12)
    assert Period.month(2026, 11).label == "2026-11"
    assert Period(date(2026, 11, 2), date(2026, 11, 8)).label == "2026-11-02..2026-11-08"
    with pytest.raises(ValueError, match="not a month"):
        Period.parse_month("november")


def test_opening_hours_described_compactly_for_the_report() -> None:
    from ivr.domain.hours import OpeningHours, describe_compact

    assert describe_compact(OpeningHours.parse("mon-fri 08:30-17:00")) == "mon-fri 08:30-17:00"
    split = OpeningHours.parse("mon-thu 08:00-12:00,13:00-17:30; fri 08:00-12:00; sat 09:00-12:00")
    assert describe_compact(split) == (
        "mon-thu 08:00-12:00,13:00-17:30; fri 08:00-12:00; sat 09:00-12:00"
    )


def test_closed_until_further_notice_counts_the_incident_but_measures_nothing() -> None:
    from ivr.domain.calendar import Closure
    from tests.domain.conftest import desk

    closed = desk(closures=(Closure(date(2027, 3, 1), date(2031, 12, 31), "verbouwing", "Umbau"),))
    cats, breaches = figures(closed, incident("60000001", 1, at(2027, 3, 2, 10, 0)))
    assert (cats[1].incidents, cats[1].reaction_measured, cats[1].restore_measured) == (1, 0, 0)
    assert breaches == []


def test_status_reports_on_time_strictly_before_due(calendar: BusinessCalendar) -> None:
    # Category 1, every 2 opening hours from Monday 08:30: due 10:30, written 10:29 (in time);
    # then due 12:29, written exactly then (late); then due 14:29, restored 14:00 first.
    reported = IncidentFacts(
        "70000001",
        1,
        at(2027, 3, 1, 8, 30),
        False,
        at(2027, 3, 1, 8, 35),
        at(2027, 3, 1, 14, 0),
        (at(2027, 3, 1, 10, 29), at(2027, 3, 1, 12, 29)),
    )
    # Category 2, every 4 h: due 13:00, nothing written by 15 April: one missing.
    silent = incident("70000002", 2, at(2027, 3, 1, 9, 0), ack=at(2027, 3, 1, 9, 5))
    # Category 3, every 6 h: restored at 15:00, before the first was due (16:00): none owed.
    quick = incident(
        "70000003", 3, at(2027, 3, 1, 10, 0), ack=at(2027, 3, 1, 10, 1), resolved=at(2027, 3, 1, 15)
    )
    cats, _ = figures(calendar, reported, silent, quick)
    assert (cats[1].status_met, cats[1].status_measured, cats[1].status_pct) == (1, 2, 50.0)
    assert (cats[2].status_met, cats[2].status_measured) == (0, 1)
    assert (cats[3].status_measured, cats[3].status_pct) == (0, None)
    # Before the first is due, nothing is measured yet.
    cats, _ = figures(calendar, silent, as_of=at(2027, 3, 1, 12, 59))
    assert cats[2].status_measured == 0


def test_queue_waits_outcomes_and_callbacks_per_language(calendar: BusinessCalendar) -> None:
    from ivr.domain.queue_figures import CallbackResult, QueueFacts, QueueOutcome

    def waited(lang: str, seconds: float | None, outcome: QueueOutcome, **more):  # type: ignore[no-untyped-def]
        joined = at(2027, 3, 2, 10, 0)
        left = None if seconds is None else joined + timedelta(seconds=seconds)
        return QueueFacts(joined, lang, outcome, left, **more)

    queue = [
        waited("nl", 0, QueueOutcome.AGENT),
        waited("nl", 45, QueueOutcome.AGENT),
        waited("nl", 210, QueueOutcome.ABANDONED),
        waited("nl", 30, QueueOutcome.REPORT),
        waited("nl", 900, QueueOutcome.TAKEN_OUT),  # exactly the longest wait allowed
        waited("nl", 120, QueueOutcome.CALLBACK, callback=CallbackResult.REACHED),
        waited("nl", 60, QueueOutcome.CALLBACK, callback=CallbackResult.REPORT),
        waited("nl", None, QueueOutcome.CALLBACK),  # asked before the time was kept: pending
        waited("de", 20, QueueOutcome.AGENT),
        waited("de", None, QueueOutcome.WAITING),
        # Joined at exactly local midnight on 1 April: April's, not March's.
        QueueFacts(at(2027, 4, 1, 0, 0), "de", QueueOutcome.AGENT, at(2027, 4, 1, 0, 1)),
        # Joined at exactly local midnight on 1 March: March's.
        QueueFacts(at(2027, 3, 1, 0, 0), "de", QueueOutcome.ABANDONED, at(2027, 3, 1, 0, 0, 5)),
    ]
    q = build_report(calendar, MARCH, [], [], AS_OF, queue=queue).queue
    total = q.total
    assert total.joined == 11
    assert total.outcomes == {
        QueueOutcome.AGENT: 3,
        QueueOutcome.CALLBACK: 3,
        QueueOutcome.REPORT: 1,
        QueueOutcome.TAKEN_OUT: 1,
        QueueOutcome.ABANDONED: 2,
        QueueOutcome.WAITING: 1,
    }
    assert total.callbacks == {
        CallbackResult.REACHED: 1,
        CallbackResult.REPORT: 1,
        CallbackResult.PENDING: 1,
    }
    # Nine waits ended with a known time: 0 5 20 30 45 60 120 210 900 seconds.
    assert sorted(w.total_seconds() for w in total.waits) == [0, 5, 20, 30, 45, 60, 120, 210, 900]
    assert total.wait_median == timedelta(seconds=45)
    assert total.wait_p90 == timedelta(seconds=900)  # nearest rank: the 9th of 9
    assert total.abandoned_pct == pytest.approx(100 * 2 / 11)
    nl, de = {f.language: f for f in q.languages}["nl"], {f.language: f for f in q.languages}["de"]
    assert [f.language for f in q.languages] == ["de", "nl"]
    assert (nl.joined, nl.wait_median, nl.wait_p90) == (
        8,
        timedelta(seconds=60),
        timedelta(seconds=900),
    )
    assert (de.joined, de.wait_median, de.outcomes[QueueOutcome.WAITING]) == (
        3,
        timedelta(seconds=12.5),
        1,
    )


def test_no_queue_no_waits(calendar: BusinessCalendar) -> None:
    q = build_report(calendar, MARCH, [], [], AS_OF).queue
    assert (q.total.joined, q.total.wait_median, q.total.wait_p90, q.languages) == (
        0,
        None,
        None,
        [],
    )
    assert q.total.abandoned_pct is None
