"""The call's row for the recorder: its SQL statements, built once per dialect, and the call events.

A call event is one `INSERT … ON CONFLICT … RETURNING` statement (both dialects); an incident
event reads the call with its incident in one statement (`call_with_incident`) and writes only
the columns that changed (`ivr.services.incident_merge`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ivr.models import DEFAULT_DESK, Call, CallerLanguage, Incident, IncidentEvent
from ivr.services import cti, disruptions, messages
from ivr.services.desk import Desk
from ivr.services.outbox import enqueue_incident

Event = dict[str, Any]

calls = Call.__table__
incidents = Incident.__table__
caller_languages = CallerLanguage.__table__
incident_events = IncidentEvent.__table__


def event_time(event: Event) -> datetime:
    return datetime.fromisoformat(event["at"])


@dataclass(frozen=True)
class Statements:
    """The recorder's writes, built once per dialect: only their parameters change per event."""

    call: Any
    call_started_remembering: Any
    call_ended: Any
    caller_language: Any
    new_incident: Any


@functools.cache
def _built(dialect: str) -> Statements:
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    earliest = func.least if dialect == "postgresql" else func.min
    call = insert(calls).values({c: bindparam(c) for c in _CALL_FACTS})
    new = call.excluded
    call = call.on_conflict_do_update(
        index_elements=[calls.c.call_sid],
        set_={
            # What this event says wins; what it leaves out (None) stays as it was.
            **{c: func.coalesce(new[c], calls.c[c]) for c in ("language", *_LATEST_WINS)},
            # The caller's numbers as first seen; the earliest start a retry or the spool knows.
            "from_number": func.coalesce(calls.c.from_number, new.from_number),
            "to_number": func.coalesce(calls.c.to_number, new.to_number),
            "started_at": earliest(calls.c.started_at, new.started_at),
        },
    )
    remembered = (
        select(caller_languages.c.language)
        .where(caller_languages.c.caller_key == bindparam("caller_key"))
        .scalar_subquery()
    )
    started = insert(calls).values(
        {**{c: bindparam(c) for c in _CALL_FACTS[:5]}, "language": remembered}
    )
    new = started.excluded
    started = started.on_conflict_do_update(
        index_elements=[calls.c.call_sid],
        set_={
            "from_number": func.coalesce(calls.c.from_number, new.from_number),
            "to_number": func.coalesce(calls.c.to_number, new.to_number),
            "started_at": earliest(calls.c.started_at, new.started_at),
            "language": func.coalesce(calls.c.language, new.language),
        },
    ).returning(calls.c.language)
    ended = insert(calls).values({c: bindparam(c) for c in _CALL_ENDED})
    new = ended.excluded
    ended = ended.on_conflict_do_update(
        index_elements=[calls.c.call_sid],
        set_={
            "ended_at": func.coalesce(calls.c.ended_at, new.ended_at),
            "twilio_status": func.coalesce(new.twilio_status, calls.c.twilio_status),
            "duration_seconds": func.coalesce(new.duration_seconds, calls.c.duration_seconds),
            "outcome": func.coalesce(calls.c.outcome, new.outcome),
        },
    )
    language = insert(caller_languages).values(
        {c: bindparam(c) for c in ("caller_key", "language", "updated_at")}
    )
    new = language.excluded
    language = language.on_conflict_do_update(
        index_elements=[caller_languages.c.caller_key],
        set_={"language": new.language, "updated_at": new.updated_at},
        where=caller_languages.c.updated_at <= new.updated_at,  # the newest choice wins
    )
    # Nothing when the call has its incident already or the reference is taken: the caller
    # then sees which.
    incident = insert(incidents).on_conflict_do_nothing().returning(incidents.c.id)
    return Statements(call, started, ended, language, incident)


_LATEST_WINS = ("route", "outcome", "agent_name")


# A call's desk is the one of its first event (it never changes: not in any ON CONFLICT update).
_CALL_FACTS = (
    "call_sid", "started_at", "from_number", "to_number", "desk", "language", *_LATEST_WINS
)  # fmt: skip


_CALL_ENDED = (
    "call_sid", "started_at", "ended_at", "twilio_status", "duration_seconds", "outcome", "desk"
)  # fmt: skip


def desk_of(desk: Desk, event: Event) -> str:
    """The desk of an event's call: the one it names (a spooled event of a line with several
    desks), else the desk of the webhook recording it."""
    return event.get("desk") or desk.key or DEFAULT_DESK


def statements(session: Session) -> Statements:
    return _built(session.get_bind().dialect.name)


def upsert_call(session: Session, desk: Desk, event: Event, **values: Any) -> None:
    """One statement: the call's row with `values`, created on the call's first event."""
    params = dict.fromkeys(_CALL_FACTS)
    params |= values
    params["desk"] = desk_of(desk, event)
    params["call_sid"], params["started_at"] = event["call_sid"], event_time(event)
    session.execute(statements(session).call, params)


def call_started(session: Session, desk: Desk, event: Event) -> str | None:
    """The call began; with a `caller_key`, the call takes the language that caller chose last
    time, read in the same statement, and that language is returned."""
    numbers = {"from_number": event.get("from") or None, "to_number": event.get("to") or None}
    if desk.cti:  # Zammad's caller log and pop-up: the call rings
        cti.queue(session, desk.key, event["call_sid"], "newCall", event_time(event))
    if not event.get("caller_key"):
        upsert_call(session, desk, event, **numbers)
        return None
    params = {"call_sid": event["call_sid"], "started_at": event_time(event), **numbers}
    params["desk"] = desk_of(desk, event)
    params["caller_key"] = event["caller_key"]
    return session.execute(statements(session).call_started_remembering, params).scalar()


def call_language(session: Session, desk: Desk, event: Event) -> None:
    upsert_call(session, desk, event, language=event["language"])
    key = event.get("caller_key")
    if key:
        params = {"caller_key": key, "language": event["language"], "updated_at": event_time(event)}
        session.execute(statements(session).caller_language, params)


def call_route(session: Session, desk: Desk, event: Event) -> None:
    upsert_call(
        session,
        desk,
        event,
        route=event.get("route") or None,
        outcome=event.get("outcome") or None,
        agent_name=event.get("agent_name") or None,
    )


def call_ended(session: Session, desk: Desk, event: Event) -> None:
    # The caller hung up before finishing: what they said still goes to the ticket system.
    partial = None
    if desk.handoff:  # only the hand-off needs to know what the call looked like before
        before = call_with_incident(session, event)
        if before is not None and before._ended_at is None and before.id is not None:
            partial = before if before.status == "partial" else None
    duration = event.get("duration")
    params = {
        "call_sid": event["call_sid"],
        "started_at": event_time(event),
        "ended_at": event_time(event),
        "twilio_status": event.get("status") or None,
        "duration_seconds": int(duration) if duration is not None else None,
        "outcome": "hung up",
        "desk": desk_of(desk, event),
    }
    session.execute(statements(session).call_ended, params)
    if desk.cti:
        status = params["twilio_status"]
        cti.queue(session, desk.key, event["call_sid"], "hangup", event_time(event), status=status)
    if partial is not None:
        enqueue_incident(session, partial, "incident.partial", event_time(event))


class Row:
    """A row's values as attributes; `changes()`: those given a new value since it was read."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
        self._read = dict(values)

    def changes(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in vars(self).items()
            if not name.startswith("_") and (name not in self._read or self._read[name] != value)
        }


INCIDENT_COLUMNS = list(incidents.c)


_CALL_WITH_INCIDENT = (
    select(
        calls.c.id.label("_call_id"),
        calls.c.from_number.label("_from_number"),
        calls.c.ended_at.label("_ended_at"),
        calls.c.desk.label("_desk"),
        *INCIDENT_COLUMNS,
    )
    .outerjoin(incidents, incidents.c.call_id == calls.c.id)
    .where(calls.c.call_sid == bindparam("call_sid"))
)


def call_with_incident(session: Session, event: Event) -> Row | None:
    """One statement: the call's row and its incident's (`id` None when it has none yet)."""
    found = session.execute(_CALL_WITH_INCIDENT, {"call_sid": event["call_sid"]}).first()
    if found is None:
        return None
    values = dict(found._mapping)
    row = Row({k: v for k, v in values.items() if not k.startswith("_")})
    # The call's own columns ride along under names that are never written back.
    row._call_id, row._from_number = values["_call_id"], values["_from_number"]
    row._ended_at = values["_ended_at"]
    row._desk = values["_desk"]
    return row


def disruption_affected(session: Session, _desk: Desk, event: Event) -> None:
    disruptions.add_affected(
        session,
        int(event["disruption_id"]),
        event["call_sid"],
        number=event.get("number") or None,
        language=event.get("language") or "nl",
        at=event_time(event),
    )


def message_opt_out(session: Session, _desk: Desk, event: Event) -> None:
    messages.opt_out(session, event["caller_key"], event_time(event))
