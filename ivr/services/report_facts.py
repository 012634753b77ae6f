"""The report's facts read as plain columns (issue 30): no ORM objects.

A month of a busy history holds tens of thousands of incidents and calls; loading each as an ORM
object with its history cost most of the report. Rows of another table are read by the ids of a
month, CHUNK at a time, through their index: a join lets the planner hash the whole other table
(years of history) whenever that looks cheaper on the day (tests/reliability/test_query_plans.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import BindParameter, bindparam, select
from sqlalchemy.orm import Session

from ivr.domain.call_outcome import classify
from ivr.domain.service_level import CallFacts, IncidentFacts
from ivr.models import Call, Incident, IncidentEvent
from ivr.services.roles import Scope
from ivr.services.scoped import within

CHUNK = 500  # ids per IN list, as SQLAlchemy's selectinload does


def _chunks(ids: Sequence[int]) -> Iterator[BindParameter[list[int]]]:
    """The ids CHUNK at a time, written into the statement (`IN (1, 2, …)`, our own integers):
    a bound parameter each made the driver parse hundreds of placeholders per statement, a
    sixth of a kept report's time (issue 30)."""
    for first in range(0, len(ids), CHUNK):
        yield bindparam(
            "ids", list(ids[first : first + CHUNK]), expanding=True, literal_execute=True
        )


def incident_facts(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    status_updates: bool = True,
    desks: Scope = None,
) -> list[IncidentFacts]:
    """The incidents of `desks` (None: every desk) received in [start, end); with the status
    updates written to each."""
    rows = session.execute(
        select(
            Incident.id,
            Incident.reference,
            Incident.category,
            Incident.received_at,
            Incident.taken_out_of_hours,
            Incident.acknowledged_at,
            Incident.resolved_at,
        ).where(
            Incident.received_at >= start,
            Incident.received_at < end,
            within(Incident.desk, desks),
        )
    ).all()
    updates: dict[int, list[datetime]] = defaultdict(list)
    if status_updates:
        for chunk in _chunks([r.id for r in rows]):
            events = session.execute(
                select(IncidentEvent.incident_id, IncidentEvent.at).where(
                    IncidentEvent.incident_id.in_(chunk), IncidentEvent.kind == "update"
                )
            )
            for incident_id, at in events:
                updates[incident_id].append(at)
    return [
        IncidentFacts(
            reference=r.reference,
            category=r.category,
            received_at=r.received_at,
            taken_out_of_hours=bool(r.taken_out_of_hours),
            acknowledged_at=r.acknowledged_at,
            resolved_at=r.resolved_at,
            status_updates=tuple(sorted(updates.get(r.id, ()))),
        )
        for r in rows
    ]


def call_facts(
    session: Session, start: datetime, end: datetime, desks: Scope = None
) -> list[CallFacts]:
    """The calls of `desks` (None: every desk) started in [start, end) with their outcome, as
    ivr.services.console.outcome_of tells it (a report counts once confirmed or recorded)."""
    calls = session.execute(
        select(Call.id, Call.started_at, Call.outcome).where(
            Call.started_at >= start, Call.started_at < end, within(Call.desk, desks)
        )
    ).all()
    kept_of: dict[int, tuple[bool, bool]] = {}
    for chunk in _chunks([c.id for c in calls]):
        incidents = session.execute(
            select(
                Incident.call_id,
                Incident.status,
                Incident.recording_url,
                Incident.taken_out_of_hours,
            ).where(Incident.call_id.in_(chunk))
        )
        for call_id, status, recording_url, out_of_hours in incidents:
            kept = status != "partial" or bool(recording_url)
            kept_of[call_id] = (kept, kept and bool(out_of_hours))
    return [
        CallFacts(c.started_at, classify(c.outcome, *kept_of.get(c.id, (False, False))))
        for c in calls
    ]
