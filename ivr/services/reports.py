"""The service-level report from the database: facts of a period in, domain figures out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ivr.domain.calendar import BusinessCalendar, Closure
from ivr.domain.queue_figures import CallbackResult, QueueFacts, QueueOutcome
from ivr.domain.service_level import (
    AsOfWindow,
    Period,
    ServiceLevelReport,
    build_report,
)
from ivr.domain.sla import Targets
from ivr.domain.triage import Category
from ivr.models import Closure as ClosureRow
from ivr.models import Incident, Offer, QueueEntry
from ivr.services import report_cache, report_facts
from ivr.services.desk import Desk
from ivr.services.queue import DONE, IN_QUEUE, LEFT, REPORT
from ivr.services.roles import Scope
from ivr.services.scoped import within

# An SLA clock started in the period can run on after it: closures that far on still count.
CLOCKS_RUN_ON = timedelta(days=60)


@dataclass(frozen=True)
class MonthSla:
    """Reaction and restore within target per category, for the trend chart."""

    period: Period
    reaction_pct: dict[int, float | None]
    restore_pct: dict[int, float | None]


def period_calendar(session: Session, desk: Desk, period: Period) -> BusinessCalendar:
    """The desk's calendar with every closure that can matter for clocks started in `period`."""
    rows = session.scalars(
        select(ClosureRow).where(
            ClosureRow.end_date >= period.first,
            ClosureRow.start_date <= period.last + CLOCKS_RUN_ON,
            ClosureRow.desk == desk.key,
        )
    )
    return desk.calendar(
        tuple(Closure(r.start_date, r.end_date, r.reason_nl, r.reason_de) for r in rows)
    )


# Why the line took a caller out of the queue (ivr/voice/queue.py): each leaves a report.
TAKEN_OUT_REASONS = ("limit", "fault", "no_agent")


class QueueRow(Protocol):
    """The columns of a queue entry the report reads (a row of them, or the entry itself)."""

    id: int
    enqueued_at: datetime
    language: str
    mode: str
    status: str
    leave_reason: str | None
    ended_at: datetime | None
    callback_requested_at: datetime | None


def queue_fact(entry: QueueRow, connected_at: datetime | None) -> QueueFacts:
    """How the caller's wait ended, from the queue entry and the moment an agent took the call
    (the first accepted offer)."""
    joined, language = entry.enqueued_at, entry.language
    if entry.mode == "callback":
        result = {DONE: CallbackResult.REACHED, REPORT: CallbackResult.REPORT}.get(
            entry.status, CallbackResult.PENDING
        )
        return QueueFacts(
            joined, language, QueueOutcome.CALLBACK, entry.callback_requested_at, result
        )
    if connected_at is not None:
        return QueueFacts(joined, language, QueueOutcome.AGENT, connected_at)
    if entry.status in IN_QUEUE:
        return QueueFacts(joined, language, QueueOutcome.WAITING)
    if entry.status == LEFT and entry.leave_reason is None:
        return QueueFacts(joined, language, QueueOutcome.ABANDONED, entry.ended_at)
    if entry.leave_reason in TAKEN_OUT_REASONS:
        return QueueFacts(joined, language, QueueOutcome.TAKEN_OUT, entry.ended_at)
    # Chose a report (2), or chose a callback (1) and never confirmed the number: either way
    # the line's next step is the report.
    return QueueFacts(joined, language, QueueOutcome.REPORT, entry.ended_at)


def queued_in(
    session: Session, start: datetime, end: datetime, desks: Scope = None
) -> list[QueueFacts]:
    # Columns, not ORM objects (issue 30): a busy month has thousands of entries.
    entries: Sequence[QueueRow] = session.execute(
        select(
            QueueEntry.id,
            QueueEntry.enqueued_at,
            QueueEntry.language,
            QueueEntry.mode,
            QueueEntry.status,
            QueueEntry.leave_reason,
            QueueEntry.ended_at,
            QueueEntry.callback_requested_at,
        ).where(
            QueueEntry.enqueued_at >= start,
            QueueEntry.enqueued_at < end,
            within(QueueEntry.desk, desks),
        )
    ).all()  # type: ignore[assignment]
    connected = dict(
        session.execute(
            select(Offer.entry_id, func.min(Offer.accepted_at))
            .join(QueueEntry, Offer.entry_id == QueueEntry.id)
            .where(
                QueueEntry.enqueued_at >= start,
                QueueEntry.enqueued_at < end,
                within(QueueEntry.desk, desks),
                Offer.accepted_at.is_not(None),
            )
            .group_by(Offer.entry_id)
        ).all()
    )
    return [queue_fact(e, connected.get(e.id)) for e in entries]


def service_level(
    session: Session,
    desk: Desk,
    period: Period,
    as_of: datetime,
    desks: Scope = None,
    *,
    trend: bool = False,
) -> ServiceLevelReport:
    """The report of `desks` (None: every desk, an admin's report over all), on `desk`'s
    calendar: the desk's own report when `desks` is that one desk. With `trend`, only what the
    SLA trend shows (reaction and restore per category: no calls, no queue, no status updates
    read)."""
    calendar = period_calendar(session, desk, period)
    targets = desk.agreement.targets  # the desk's agreement (DESKS_FILE), the seed's by default
    start, end = period.bounds(calendar)
    if trend:
        fingerprint = report_cache.stamps(session, start, end, desks)

        def compute(window: AsOfWindow) -> ServiceLevelReport:
            return computed(
                session, calendar, period, as_of, desks, trend=True, targets=targets, window=window
            )
    else:
        # The month's own facts are read on every view (a digest of them is its fingerprint);
        # what is kept is the arithmetic of its SLA clocks.
        incidents = report_facts.incident_facts(session, start, end, desks=desks)
        calls = report_facts.call_facts(session, start, end, desks)
        queue = queued_in(session, start, end, desks)
        fingerprint = report_cache.digest(incidents, calls, queue)

        def compute(window: AsOfWindow) -> ServiceLevelReport:
            return build_report(
                calendar,
                period,
                incidents,
                calls,
                as_of,
                queue=queue,
                targets=targets,
                window=window,
            )

    return report_cache.cached(
        session,
        calendar=calendar,
        calendar_desk=desk.key,
        period=period,
        as_of=as_of,
        desks=desks,
        mode=report_cache.TREND if trend else report_cache.FULL,
        targets=targets,
        fingerprint=fingerprint,
        compute=compute,
    )


def computed(
    session: Session,
    calendar: BusinessCalendar,
    period: Period,
    as_of: datetime,
    desks: Scope = None,
    *,
    trend: bool = False,
    targets: Mapping[Category, Targets] | None = None,
    window: AsOfWindow | None = None,
) -> ServiceLevelReport:
    """The report computed from the period's rows, without the kept figures."""
    start, end = period.bounds(calendar)
    return build_report(
        calendar,
        period,
        report_facts.incident_facts(session, start, end, status_updates=not trend, desks=desks),
        [] if trend else report_facts.call_facts(session, start, end, desks),
        as_of,
        queue=[] if trend else queued_in(session, start, end, desks),
        status_reports=not trend,
        targets=targets,
        window=window,
    )


def incidents_in(
    session: Session, desk: Desk, period: Period, desks: Scope = None
) -> list[Incident]:
    """The period's incidents of `desks`, oldest first: the list the customer gets with the
    report."""
    start, end = period.bounds(desk.calendar())
    return list(
        session.scalars(
            select(Incident)
            .where(
                Incident.received_at >= start,
                Incident.received_at < end,
                within(Incident.desk, desks),
            )
            .order_by(Incident.received_at, Incident.id)
        )
    )


def sla_trend(
    session: Session,
    desk: Desk,
    last: Period,
    as_of: datetime,
    months: int = 6,
    *,
    desks: Scope = None,
) -> list[MonthSla]:
    """The `months` calendar months up to the one `last` ends in, oldest first."""
    year, month = last.last.year, last.last.month
    periods = []
    for _ in range(months):
        periods.append(Period.month(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    trend = []
    for period in reversed(periods):
        report = service_level(session, desk, period, as_of, desks, trend=True)
        trend.append(
            MonthSla(
                period,
                {c.category: c.reaction_pct for c in report.categories},
                {c.category: c.restore_pct for c in report.categories},
            )
        )
    return trend
