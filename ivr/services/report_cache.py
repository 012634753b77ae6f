"""A period's service-level figures, computed once and kept (issue 30).

The figures of a month (its SLA clocks in opening time, incident by incident) cost seconds over a
busy month and change only when one of its rows does. A kept report is reused while
- its *basis* is the same: the desk's calendar (hours, zone, holidays, the period's closures),
  its targets, and the code that computes the figures;
- its *fingerprint* is the same: for a report, a digest of the facts it was computed from (read
  on every view: exact whatever changed them); for a month of the SLA trend, which reads
  incidents only, their count and last `updated_at` (every change to an incident stamps it),
  one aggregate over the month's index range, so the six trend months cost no reading of
  their rows into Python;
- `as_of` is within the window the figures hold for (`AsOfWindow`: no SLA clock or status
  report of the period falls due between).
Otherwise it is computed again and replaced. Kept per desk scope, calendar desk and calendar
month (a period of other dates is computed each time).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ivr.domain import calendar as calendar_module
from ivr.domain import call_outcome, figures, queue_figures, service_level, sla
from ivr.domain.calendar import BusinessCalendar
from ivr.domain.call_outcome import Outcome
from ivr.domain.queue_figures import CallbackResult, QueueFigures, QueueOutcome, QueueReport
from ivr.domain.service_level import (
    AsOfWindow,
    Breach,
    CategoryFigures,
    LineFigures,
    Period,
    ServiceLevelReport,
)
from ivr.domain.sla import Targets
from ivr.domain.triage import Category
from ivr.models import Incident, ReportCache
from ivr.services.roles import Scope
from ivr.services.scoped import within

log = logging.getLogger(__name__)

FULL, TREND = "full", "trend"


def _code_hash() -> str:
    """The source of everything the figures come from: a new release recomputes them."""
    digest = hashlib.sha256()
    modules = (service_level, queue_figures, sla, calendar_module, call_outcome, figures)
    here = Path(__file__).parent
    paths = [Path(m.__file__ or "") for m in modules] + [
        here / "report_facts.py",
        here / "reports.py",
        Path(__file__),
    ]
    for path in paths:
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(str(path).encode())
    with contextlib.suppress(metadata.PackageNotFoundError):
        digest.update(metadata.version("holidays").encode())
    return digest.hexdigest()


CODE = _code_hash()


def basis(calendar: BusinessCalendar, targets: Mapping[Category, Targets]) -> str:
    """What the figures depend on besides the period's rows and `as_of` (closures and targets
    in a fixed order: the database returns closures in any)."""
    closures = sorted(repr(c) for c in calendar.closures)
    agreed = sorted(targets.items(), key=lambda item: int(item[0]))
    described = repr((CODE, calendar.hours, str(calendar.tz), calendar.holidays, closures, agreed))
    return hashlib.sha256(described.encode()).hexdigest()


def scope_key(desks: Scope) -> str:
    return "*" if desks is None else ",".join(sorted(desks))


def stamps(session: Session, start: datetime, end: datetime, desks: Scope) -> str:
    """The period's incidents summed up: how many, and when one last changed (every change to
    an incident's facts stamps `updated_at`), in one statement through ix_incidents_received_at.
    (No index of its own: one more index on `updated_at` would cost every write of an incident.)"""
    count, last = session.execute(
        select(func.count(), func.max(Incident.updated_at)).where(
            Incident.received_at >= start,
            Incident.received_at < end,
            within(Incident.desk, desks),
        )
    ).one()
    return f"{count}|{last.isoformat() if last else ''}"


def digest(*facts: Sequence[object]) -> str:
    """The facts themselves summed up (their reprs are plain values: dates, strings, enums)."""
    return hashlib.sha256(repr(facts).encode()).hexdigest()


def cached(
    session: Session,
    *,
    calendar: BusinessCalendar,
    calendar_desk: str,
    period: Period,
    as_of: datetime,
    desks: Scope,
    mode: str,
    targets: Mapping[Category, Targets],
    fingerprint: str,
    compute: Callable[[AsOfWindow], ServiceLevelReport],
) -> ServiceLevelReport:
    """The kept report if it still holds for `fingerprint`, else `compute(window)`, kept for
    next time."""
    if period != Period.month(period.first.year, period.first.month):
        return compute(AsOfWindow())  # only calendar months are kept: their number is bounded
    key = (scope_key(desks), calendar_desk, period.first, period.last, mode)
    base = basis(calendar, targets)
    row = session.scalar(select(ReportCache).where(_keyed(*key)))
    if row is not None and row.basis == base and row.fingerprint == fingerprint:
        window = AsOfWindow(row.valid_after, row.valid_before)
        if window.holds(as_of):
            return decode(json.loads(row.figures), period, as_of)
    window = AsOfWindow()
    report = compute(window)
    _keep(session, key, base, fingerprint, window, report, as_of)
    return report


def _keyed(scope: str, desk: str, first: date, last: date, mode: str) -> ColumnElement[bool]:
    return and_(
        ReportCache.scope == scope,
        ReportCache.calendar_desk == desk,
        ReportCache.first_day == first,
        ReportCache.last_day == last,
        ReportCache.mode == mode,
    )


def _keep(  # noqa: PLR0917
    session: Session,
    key: tuple[str, str, date, date, str],
    base: str,
    fingerprint: str,
    window: AsOfWindow,
    report: ServiceLevelReport,
    as_of: datetime,
) -> None:
    """Replace the kept report; a failure (another worker kept it first, a read-only database)
    only costs the next view the computation again."""
    scope, desk, first, last, mode = key
    try:
        session.execute(delete(ReportCache).where(_keyed(*key)))
        session.add(
            ReportCache(
                scope=scope,
                calendar_desk=desk,
                first_day=first,
                last_day=last,
                mode=mode,
                basis=base,
                fingerprint=fingerprint,
                valid_after=window.after,
                valid_before=window.before,
                figures=json.dumps(encode(report), separators=(",", ":")),
                computed_at=as_of,
            )
        )
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        log.warning("report figures not kept: %s", type(exc).__name__)


def _us(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def _maybe_us(value: timedelta | None) -> int | None:
    return None if value is None else _us(value)


def _td(value: int) -> timedelta:
    return timedelta(microseconds=value)


def encode(report: ServiceLevelReport) -> dict[str, Any]:
    """The figures as JSON, exactly (times in microseconds); not `as_of`, which the caller
    gives."""
    return {
        "categories": [
            {
                "category": c.category,
                "incidents": c.incidents,
                "reaction": [c.reaction_met, c.reaction_measured],
                "restore": [c.restore_met, c.restore_measured],
                "reaction_times": [_us(t) for t in c.reaction_times],
                "restore_times": [_us(t) for t in c.restore_times],
                "breaches": [
                    [b.reference, b.category, b.clock, _maybe_us(b.took), _us(b.target)]
                    for b in c.breaches
                ],
                "by_appointment": c.restore_by_appointment,
                "status": [c.status_met, c.status_measured],
            }
            for c in report.categories
        ],
        "line": {
            "calls": report.line.calls,
            "outcomes": {o.value: n for o, n in report.line.outcomes.items()},
            "per_day": [
                [day.isoformat(), {o.value: n for o, n in counts.items()}]
                for day, counts in report.line.per_day.items()
            ],
            "per_hour": report.line.per_hour,
        },
        "queue": [_queue(q) for q in [report.queue.total, *report.queue.languages]],
    }


def _queue(q: QueueFigures) -> dict[str, Any]:
    return {
        "language": q.language,
        "joined": q.joined,
        "outcomes": {o.value: n for o, n in q.outcomes.items()},
        "callbacks": {r.value: n for r, n in q.callbacks.items()},
        "waits": [_us(w) for w in q.waits],
    }


def decode(data: dict[str, Any], period: Period, as_of: datetime) -> ServiceLevelReport:
    categories = []
    for c in data["categories"]:
        categories.append(
            CategoryFigures(
                category=c["category"],
                incidents=c["incidents"],
                reaction_met=c["reaction"][0],
                reaction_measured=c["reaction"][1],
                restore_met=c["restore"][0],
                restore_measured=c["restore"][1],
                reaction_times=[_td(t) for t in c["reaction_times"]],
                restore_times=[_td(t) for t in c["restore_times"]],
                breaches=[
                    Breach(ref, cat, clock, None if took is None else _td(took), _td(target))
                    for ref, cat, clock, took, target in c["breaches"]
                ],
                restore_by_appointment=c["by_appointment"],
                status_met=c["status"][0],
                status_measured=c["status"][1],
            )
        )
    line = data["line"]
    queues = [
        QueueFigures(
            q["language"],
            q["joined"],
            {QueueOutcome(o): n for o, n in q["outcomes"].items()},
            {CallbackResult(r): n for r, n in q["callbacks"].items()},
            [_td(w) for w in q["waits"]],
        )
        for q in data["queue"]
    ]
    return ServiceLevelReport(
        period=period,
        as_of=as_of,
        categories=categories,
        line=LineFigures(
            calls=line["calls"],
            outcomes={Outcome(o): n for o, n in line["outcomes"].items()},
            per_day={
                date.fromisoformat(day): {Outcome(o): n for o, n in counts.items()}
                for day, counts in line["per_day"]
            },
            per_hour=line["per_hour"],
        ),
        queue=QueueReport(queues[0], queues[1:]),
    )
