"""An incident event merged into the call's incident: created on first sight, then only added to.

Its SLA clocks start (or start again) when its category or received time changes; completing a
partial report hands it off and texts the caller the reference.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from ivr import prompts, spoken
from ivr.domain.changes import standard_change_due
from ivr.domain.reference import group, new_reference
from ivr.domain.sla import SlaClock, pickup_time, status_report_due
from ivr.domain.triage import Category, Impact, Severity
from ivr.services import messages
from ivr.services.call_events import (
    INCIDENT_COLUMNS,
    Event,
    Row,
    call_route,
    call_with_incident,
    event_time,
    incident_events,
    incidents,
    statements,
    upsert_call,
)
from ivr.services.desk import Desk, business_calendar
from ivr.services.outbox import enqueue_incident

STATUS_ORDER = ("partial", "open", "acknowledged", "resolved")


def _incident(
    session: Session, desk: Desk, event: Event, then: Callable[[Row], None] | None = None
) -> Row:
    """The call's incident, created on first sight, with what `event` (and `then`) add merged in."""
    found = call_with_incident(session, event)
    if found is None:  # the call's first event: only the spool or a stray callback get here
        upsert_call(
            session,
            desk,
            event,
            from_number=event.get("from") or None,
            to_number=event.get("to") or None,
        )
        found = call_with_incident(session, event)
        assert found is not None
    reference = event["reference"]
    for _ in range(5):
        existed = found.id is not None
        row = found if existed else _new_incident(found, event, reference)
        was_partial = row.status == "partial"
        _merge(session, desk, row, event, was_partial)
        if then is not None:
            then(row)
        if row.changes():
            row.updated_at = event_time(event)
        if existed:
            _save(session, row)
            break
        inserted = _insert_incident(session, row)
        if inserted:
            break
        # Another webhook of this call created it meanwhile, or another call holds this reference
        # (one in ten million): merge into the one that exists, or draw a new reference.
        found = call_with_incident(session, event)
        assert found is not None
        reference = new_reference()
    else:
        raise RuntimeError(f"no free reference for call {event['call_sid']}")
    if desk.handoff and was_partial and row.status != "partial":
        enqueue_incident(session, row, "incident.completed", event_time(event))
    if desk.messages_from and was_partial and row.status != "partial":
        _text_reference(session, desk, row, event_time(event))
    return row


def _text_reference(session: Session, desk: Desk, row: Row, at: datetime) -> None:
    """Out of hours the caller gets the reference and the pick-up time in writing too."""
    if not row.taken_out_of_hours or row.pickup_at is None:
        return
    language = row.language or "nl"
    messages.queue(
        session,
        desk.messaging(),
        to=row.callback_number,
        language=language,
        template=prompts.SMS_REPORTED,
        key=f"reported:{row.id}",
        now=at,
        incident_id=row.id,
        reference=group(row.reference),
        when=spoken.date_phrase(row.pickup_at, language, desk.tz),
    )


def _new_incident(call: Row, event: Event, reference: str) -> Row:
    values: dict[str, Any] = {c.name: None for c in INCIDENT_COLUMNS}
    values |= {
        "call_id": call._call_id,
        "desk": call._desk,  # an incident is in the desk of the call it came from
        "reference": reference,
        "kind": event.get("kind") or "incident",
        "status": "partial",
        "taken_out_of_hours": False,
        "support_incident": False,
        "received_at": event_time(event),
        "caller_number": call._from_number,
        "callback_number": call._from_number,
    }
    row = Row({})
    row.__dict__.update(values)
    return row


def _insert_incident(session: Session, row: Row) -> bool:
    """INSERT that does nothing when the call has an incident or the reference is taken."""
    values = {k: v for k, v in row.changes().items() if k != "id"}
    new_id = session.execute(statements(session).new_incident, values).scalar()
    if new_id is None:
        return False
    row.id = new_id
    return True


def _save(session: Session, row: Row) -> None:
    """One UPDATE of the columns that changed; none when the event added nothing new."""
    changes = row.changes()
    if changes:
        session.execute(_UPDATE_INCIDENT, {**changes, "incident_id": row.id})


_UPDATE_INCIDENT = update(incidents).where(incidents.c.id == bindparam("incident_id"))


def _merge(session: Session, desk: Desk, row: Row, event: Event, was_partial: bool) -> None:
    before = (row.category, row.received_at)
    for name in ("kind", "language", "impact", "severity", "callback_number"):
        if event.get(name):
            setattr(row, name, event[name])
    if event.get("status") and _rank(event["status"]) > _rank(row.status):
        row.status = event["status"]
    if event.get("summary"):  # what the caller said in one sentence, and how sure the engine was
        row.summary = str(event["summary"])[:500]
        row.summary_confidence = event.get("summary_confidence")
    if row.impact and row.severity:
        row.category = int(desk.agreement.categorise(Impact(row.impact), Severity(row.severity)))
    completed = was_partial and row.status != "partial"
    if row.pickup_at is None or (row.category, row.received_at) != before or completed:
        _start_clocks(session, desk, row, event_time(event) if completed else None)


def incident(session: Session, desk: Desk, event: Event) -> Row:
    """Create the call's incident on first sight, then merge in whatever this event adds."""
    return _incident(session, desk, event)


def _start_clocks(session: Session, desk: Desk, row: Row, completed_at: datetime | None) -> None:
    """Every SLA clock starts when the incident was received (the first thing reported); the
    caller hears the same instants (`ivr.voice.intake.confirm`)."""
    calendar = business_calendar(desk, session, row.received_at)
    row.taken_out_of_hours = not calendar.is_open(row.received_at)
    pickup = pickup_time(calendar, row.received_at, completed_at)
    if pickup is not None:
        row.pickup_at = max(row.pickup_at, pickup) if row.pickup_at else pickup
    if row.kind == "standard_change":
        days = desk.agreement.standard_change_days
        row.change_due = standard_change_due(calendar, row.received_at, days)
    if row.category is not None:
        # Closed until further notice: no due times yet; the next event of the call or a
        # recomputation after the closure is lifted sets them (pickup_at stays None till then).
        agreed = desk.agreement.targets
        due = SlaClock.start(calendar, Category(row.category), row.received_at, agreed)
        row.reaction_due = due.reaction_due if due else None
        row.restore_due = row.appointment_at or (due.restore_due if due else None)
        if row.status != "resolved":
            row.status_report_due = status_report_due(
                calendar, Category(row.category), row.received_at, row.appointment_at, agreed
            )


def _rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else 0


class ConflictingRecording(ValueError):
    """A second recording for an incident that has one: never mixed into it (set aside)."""


def recording(session: Session, desk: Desk, event: Event) -> Row:
    def add(row: Row) -> None:
        sid = event.get("recording_sid") or None
        if row.recording_sid and sid and sid != row.recording_sid:
            # SID, URL and duration belong together: the first recording stays whole, the
            # second becomes a dead letter (kept, counted, shown), never half of a mix.
            raise ConflictingRecording(
                f"incident {row.reference} has recording {row.recording_sid}; {sid} set aside"
            )
        row.recording_sid = row.recording_sid or sid
        row.recording_url = row.recording_url or event.get("recording_url") or None
        if event.get("recording_duration") not in (None, ""):
            row.recording_duration = int(event["recording_duration"])

    return _incident(session, desk, event, add)


def agent_answered(session: Session, desk: Desk, event: Event) -> Row:
    first = False

    def add(row: Row) -> None:
        nonlocal first
        first = row.acknowledged_at is None
        row.acknowledged_at = row.acknowledged_at or event_time(event)
        row.acknowledged_by = row.acknowledged_by or event.get("agent_name")

    row = _incident(session, desk, {**event, "status": "acknowledged"}, add)
    if first:  # the incident's history says who took it on, once
        session.execute(
            incident_events.insert(),
            {"incident_id": row.id, "kind": "acknowledged", "at": event_time(event),
             "author": row.acknowledged_by},
        )  # fmt: skip
    call_route(session, desk, {**event, "outcome": "agent answered"})
    return row
