"""Keeps what happens on a call: each fact is an event applied idempotently to the database.

Twilio retries webhooks and sends recording callbacks in any order, so every event is an upsert
keyed by CallSid that only adds information. When the database cannot be reached the event goes to
the local spool and is applied later by `replay_spool`, with its original timestamp.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, joinedload

from ivr import spool
from ivr.db import Database
from ivr.domain.reference import new_reference
from ivr.domain.sla import SlaClock, pickup_time
from ivr.domain.triage import Category, Impact, Severity, categorise
from ivr.models import Call, CallerLanguage, Incident
from ivr.services.desk import Desk, business_calendar
from ivr.services.outbox import enqueue_incident

log = logging.getLogger(__name__)

Event = dict[str, Any]
STATUS_ORDER = ("partial", "open", "acknowledged", "resolved")


def record(database: Database, desk: Desk, event: Event) -> bool:
    """Apply `event` now, or keep it in the spool. True when it reached the database."""
    return _record(database, desk, event) is not _SPOOLED


def record_incident(database: Database, desk: Desk, event: Event) -> str | None:
    """Apply an `incident` event; the reference the call's incident has (None when spooled)."""
    stored = _record(database, desk, event)
    return None if stored is _SPOOLED else stored


_SPOOLED = object()


def _record(database: Database, desk: Desk, event: Event) -> Any:
    try:
        with database.sessions.begin() as session:
            result = apply(session, desk, event)
            reference = result.reference if isinstance(result, Incident) else None
    except SQLAlchemyError as exc:
        log.error(
            "database unavailable (%s): %s for call %s spooled",
            type(exc).__name__,
            event["type"],
            event.get("call_sid", "-"),
        )
        spool.append(desk.spool_dir, event)
        return _SPOOLED
    if spool.has_pending(desk.spool_dir):  # the database is back: bring in what waited
        replay_spool(database, desk)
    return reference


def apply(session: Session, desk: Desk, event: Event) -> Any:
    handler = HANDLERS[event["type"]]
    return handler(session, desk, event)


def _at(event: Event) -> datetime:
    return datetime.fromisoformat(event["at"])


def _insert_ignore(session: Session, model: type, **values: Any) -> None:
    """INSERT that does nothing when the unique key exists: safe under concurrent retries."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(model).values(**values).on_conflict_do_nothing())


def _call(session: Session, event: Event) -> Call:
    # The call's incident comes in the same round trip: most events go on to it.
    by_sid = (
        select(Call).options(joinedload(Call.incident)).where(Call.call_sid == event["call_sid"])
    )
    call = session.scalars(by_sid).first()  # nearly always there: only the first event inserts
    if call is not None:
        return call
    _insert_ignore(
        session,
        Call,
        call_sid=event["call_sid"],
        started_at=_at(event),
        from_number=event.get("from") or None,
        to_number=event.get("to") or None,
    )
    return session.scalars(by_sid).one()


def call_started(session: Session, _desk: Desk, event: Event) -> None:
    call = _call(session, event)
    call.from_number = call.from_number or event.get("from") or None
    call.to_number = call.to_number or event.get("to") or None
    call.started_at = min(call.started_at, _at(event))


def call_language(session: Session, _desk: Desk, event: Event) -> None:
    call = _call(session, event)
    call.language = event["language"]
    key = event.get("caller_key")
    if key:
        _insert_ignore(
            session,
            CallerLanguage,
            caller_key=key,
            language=event["language"],
            updated_at=_at(event),
        )
        remembered = session.scalars(
            select(CallerLanguage).where(CallerLanguage.caller_key == key)
        ).one()
        if remembered.updated_at <= _at(event):
            remembered.language, remembered.updated_at = event["language"], _at(event)


def call_route(session: Session, _desk: Desk, event: Event) -> None:
    call = _call(session, event)
    call.route = event.get("route") or call.route
    call.outcome = event.get("outcome") or call.outcome
    call.agent_name = event.get("agent_name") or call.agent_name


def call_ended(session: Session, desk: Desk, event: Event) -> None:
    call = _call(session, event)
    first_report = call.ended_at is None
    call.ended_at = call.ended_at or _at(event)
    call.twilio_status = event.get("status") or call.twilio_status
    if event.get("duration") is not None:
        call.duration_seconds = int(event["duration"])
    call.outcome = call.outcome or "hung up"
    # The caller hung up before finishing: what they said still goes to the ticket system.
    incident = call.incident
    if desk.handoff and first_report and incident is not None and incident.status == "partial":
        enqueue_incident(session, incident, "incident.partial", _at(event))


def _incident_row(session: Session, call: Call, event: Event) -> Incident:
    if call.incident is not None:
        return call.incident
    reference = event["reference"]
    for _ in range(5):
        _insert_ignore(
            session,
            Incident,
            call_id=call.id,
            reference=reference,
            kind=event.get("kind") or "incident",
            status="partial",
            received_at=_at(event),
            caller_number=call.from_number,
            callback_number=call.from_number,
        )
        row = session.scalars(select(Incident).where(Incident.call_id == call.id)).first()
        if row is not None:
            return row
        # Another call holds this reference (one in ten million): draw a new one.
        reference = new_reference()
    raise RuntimeError(f"no free reference for call {call.call_sid}")


def incident(session: Session, desk: Desk, event: Event) -> Incident:
    """Create the call's incident on first sight, then merge in whatever this event adds."""
    call = _call(session, event)
    row = _incident_row(session, call, event)
    before = (row.category, row.received_at)
    was_partial = row.status == "partial"
    for field in ("kind", "language", "impact", "severity", "callback_number"):
        if event.get(field):
            setattr(row, field, event[field])
    if event.get("status") and _rank(event["status"]) > _rank(row.status):
        row.status = event["status"]
    if row.impact and row.severity:
        row.category = int(categorise(Impact(row.impact), Severity(row.severity)))
    completed = was_partial and row.status != "partial"
    if row.pickup_at is None or (row.category, row.received_at) != before or completed:
        _start_clocks(session, desk, row, _at(event) if completed else None)
    row.updated_at = _at(event)
    if desk.handoff and was_partial and row.status != "partial":
        enqueue_incident(session, row, "incident.completed", _at(event))
    return row


def _start_clocks(
    session: Session, desk: Desk, row: Incident, completed_at: datetime | None
) -> None:
    """Every SLA clock starts when the incident was received (the first thing reported); the
    caller hears the same instants (`ivr.voice.intake.confirm`)."""
    calendar = business_calendar(desk, session, row.received_at)
    row.taken_out_of_hours = not calendar.is_open(row.received_at)
    pickup = pickup_time(calendar, row.received_at, completed_at)
    if pickup is not None:
        row.pickup_at = max(row.pickup_at, pickup) if row.pickup_at else pickup
    if row.category is not None:
        # Closed until further notice: no due times yet; the next event of the call or a
        # recomputation after the closure is lifted sets them (pickup_at stays None till then).
        due = SlaClock.start(calendar, Category(row.category), row.received_at)
        row.reaction_due = due.reaction_due if due else None
        row.restore_due = due.restore_due if due else None


def _rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else 0


def recording(session: Session, desk: Desk, event: Event) -> None:
    row = incident(session, desk, event)
    row.recording_sid = row.recording_sid or event.get("recording_sid") or None
    row.recording_url = row.recording_url or event.get("recording_url") or None
    if event.get("recording_duration") not in (None, ""):
        row.recording_duration = int(event["recording_duration"])


def agent_answered(session: Session, desk: Desk, event: Event) -> None:
    row = incident(session, desk, {**event, "status": "acknowledged"})
    row.acknowledged_at = row.acknowledged_at or _at(event)
    row.acknowledged_by = row.acknowledged_by or event.get("agent_name")
    call_route(session, desk, {**event, "outcome": "agent answered"})


HANDLERS = {
    "call_started": call_started,
    "call_language": call_language,
    "call_route": call_route,
    "call_ended": call_ended,
    "incident": incident,
    "recording": recording,
    "agent_answered": agent_answered,
}


def replay_spool(database: Database, desk: Desk) -> tuple[int, int]:
    """Apply spooled events in their order; keep those that still fail. Returns (applied, left)."""
    path = Path(desk.spool_dir) / spool.SPOOL_FILE
    if not path.exists():
        return 0, 0
    claimed = path.with_suffix(f".replaying.{os.getpid()}")
    with spool.locked(desk.spool_dir):
        try:
            path.rename(claimed)  # a second replayer finds nothing to take
        except FileNotFoundError:
            return 0, 0
    applied, left = 0, 0
    for event in spool.read(claimed):
        try:
            with database.sessions.begin() as session:
                apply(session, desk, event)
            applied += 1
        except SQLAlchemyError:
            spool.append(desk.spool_dir, event)
            left += 1
    claimed.unlink()
    log.info("spool replayed: %d applied, %d left", applied, left)
    return applied, left
