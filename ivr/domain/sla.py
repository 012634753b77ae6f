"""SLA clocks per category: reaction, restore and status-report targets, in opening time only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from ivr.domain.calendar import BusinessCalendar
from ivr.domain.triage import Category


@dataclass(frozen=True)
class Targets:
    reaction: timedelta
    restore: timedelta | None  # None: "op afspraak", by appointment
    status_report_every: timedelta | None


TARGETS: dict[Category, Targets] = {
    Category.ONE: Targets(timedelta(minutes=30), timedelta(hours=4), timedelta(hours=2)),
    Category.TWO: Targets(timedelta(hours=1), timedelta(hours=8), timedelta(hours=4)),
    Category.THREE: Targets(timedelta(hours=2), timedelta(hours=16), timedelta(hours=6)),
    Category.FOUR: Targets(timedelta(hours=4), None, None),
}


def targets_for(category: Category, targets: Mapping[Category, Targets] | None = None) -> Targets:
    """The targets of `category` in `targets` (a desk's agreement), else the seed's."""
    return (targets or TARGETS)[Category(category)]


@dataclass(frozen=True)
class SlaDueTimes:
    clock_start: datetime
    reaction_due: datetime
    restore_due: datetime | None
    status_report_every: timedelta | None


class SlaClock:
    """Outside opening hours nothing is monitored, so the clocks only run in opening time."""

    @staticmethod
    def start(
        calendar: BusinessCalendar,
        category: Category,
        received_at: datetime,
        agreed: Mapping[Category, Targets] | None = None,
    ) -> SlaDueTimes | None:
        """The due times; None while no opening is known (closed until further notice)."""
        targets = targets_for(category, agreed)
        clock_start = calendar.next_opening(received_at)
        if clock_start is None:
            return None
        reaction_due = calendar.add_opening_time(clock_start, targets.reaction)
        if reaction_due is None:
            return None
        return SlaDueTimes(
            clock_start=clock_start,
            reaction_due=reaction_due,
            restore_due=(
                calendar.add_opening_time(clock_start, targets.restore)
                if targets.restore is not None
                else None
            ),
            status_report_every=targets.status_report_every,
        )

    @staticmethod
    def next_status_report(
        calendar: BusinessCalendar,
        category: Category,
        clock_start: datetime,
        now: datetime,
        agreed: Mapping[Category, Targets] | None = None,
    ) -> datetime | None:
        """When the next status report is due: every N hours of opening time from the start."""
        every = targets_for(category, agreed).status_report_every
        if every is None:
            return None
        elapsed = calendar.opening_time_between(clock_start, now)
        reports_done = elapsed // every
        return calendar.add_opening_time(clock_start, every * (reports_done + 1))


def pickup_time(
    calendar: BusinessCalendar, received_at: datetime, completed_at: datetime | None = None
) -> datetime | None:
    """When a colleague picks the report up: the next opening once the report is complete.

    The SLA clocks still start when the incident was received; this is only the promise of when
    someone looks at it. A report finished after closing time waits for the next opening, even
    if the caller started it while the desk was open.
    """
    return calendar.next_opening(max(received_at, completed_at or received_at))


class SlaState(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    BREACHED = "breached"
    MET = "met"


def sla_state(
    calendar: BusinessCalendar,
    clock_start: datetime,
    due: datetime,
    now: datetime,
    *,
    done_at: datetime | None = None,
    due_soon_fraction: float = 0.25,
) -> SlaState:
    """Met when done before due; breached at or past due, due soon in the last quarter.

    The agreement's targets are strict ("< 30 min"): done at exactly the due instant is late.
    """
    if done_at is not None:
        return SlaState.MET if done_at < due else SlaState.BREACHED
    if now >= due:
        return SlaState.BREACHED
    target = calendar.opening_time_between(clock_start, due)
    left = calendar.opening_time_between(max(now, clock_start), due)
    return SlaState.DUE_SOON if left <= target * due_soon_fraction else SlaState.ON_TIME


APPOINTMENT_DUE_SOON = timedelta(hours=1)  # by appointment: the last hour before it


def status_report_due(
    calendar: BusinessCalendar,
    category: Category,
    since: datetime,
    appointment: datetime | None = None,
    agreed: Mapping[Category, Targets] | None = None,
) -> datetime | None:
    """The next status report: one interval of opening time after `since` (the clock start or
    the last report); by appointment (category 4) it is the agreed time, or None before one is.
    """
    if targets_for(category, agreed).status_report_every is None:
        return appointment
    start = calendar.next_opening(since)
    if start is None:  # closed until further notice: no report is due until it opens again
        return None
    return SlaClock.next_status_report(calendar, category, start, start, agreed)


def status_report_state(
    calendar: BusinessCalendar,
    category: Category,
    due: datetime,
    now: datetime,
) -> SlaState:
    """On time, due soon (the last quarter of the interval, or the hour before an appointment),
    or breached (overdue): a report is overdue until someone writes one."""
    if now >= due:
        return SlaState.BREACHED
    every = targets_for(category).status_report_every
    soon = every * 0.25 if every is not None else APPOINTMENT_DUE_SOON
    left = calendar.opening_time_between(now, due)
    return SlaState.DUE_SOON if left <= soon else SlaState.ON_TIME
