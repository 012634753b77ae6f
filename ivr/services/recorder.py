"""Keeps what happens on a call: each fact is an event applied idempotently to the database.

Twilio retries webhooks and sends recording callbacks in any order, so every event is an upsert
keyed by CallSid that only adds information. A webhook's events are `Facts`: applied on the
request's own connection as they happen and committed once, in one transaction, before the line
answers. When the database cannot be reached the events go to the local spool and are applied
later by `replay_spool`, with their original timestamps.

The writes are SQLAlchemy Core (`INSERT … ON CONFLICT … RETURNING`, both dialects): a call event
is one statement; an incident event reads the call with its incident in one statement and writes
only the columns that changed in one more.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ivr import prompts, spoken, spool
from ivr.db import Database, unreachable
from ivr.domain.changes import standard_change_due
from ivr.domain.reference import new_reference
from ivr.domain.sla import SlaClock, pickup_time, status_report_due
from ivr.domain.triage import Category, Impact, Severity, categorise
from ivr.models import Call, CallerLanguage, Incident, IncidentEvent
from ivr.services import disruptions, messages
from ivr.services.desk import Desk, business_calendar
from ivr.services.outbox import enqueue_incident

log = logging.getLogger(__name__)

Event = dict[str, Any]
STATUS_ORDER = ("partial", "open", "acknowledged", "resolved")

calls = Call.__table__
incidents = Incident.__table__
caller_languages = CallerLanguage.__table__
incident_events = IncidentEvent.__table__


SPOOLED = object()  # what `Facts.record` returns for an event that went to the spool


class Facts:
    """The events of one webhook: applied on one session as they come, committed once.

    `database_failed` says whether any database call of the request failed already (a read the
    webhook made, say): the events then go straight to the spool, and a commit is not trusted.
    """

    def __init__(
        self,
        database: Database,
        desk: Desk,
        session: Session,
        database_failed: Callable[[], bool] = lambda: False,
    ) -> None:
        self.database, self.desk, self.session = database, desk, session
        self.database_failed = database_failed
        self.pending: list[Event] = []  # applied in the open transaction, not yet committed
        self.spooled = False

    def record(self, event: Event) -> Any:
        """Apply `event`; what its handler returned, or `SPOOLED` when it went to the spool."""
        if self.spooled or self.database_failed():
            return self._spool([event])
        try:
            result = apply(self.session, self.desk, event)
        except Exception as exc:
            self._rollback()  # takes the request's earlier events with it
            if unreachable(exc):
                log.error(
                    "database unavailable (%s): %s for call %s spooled",
                    type(exc).__name__,
                    event["type"],
                    event.get("call_sid", "-"),
                )
                return self._spool([*self.pending, event])
            # The database is there but this event cannot be applied: set it aside, once, and
            # let nothing else wait for it.
            log.exception("%s for call %s set aside", event["type"], event.get("call_sid", "-"))
            spool.bury(self.desk.spool_dir, _error(exc), event)
            self._redo()
            return SPOOLED
        self.pending.append(event)
        return result

    def _redo(self) -> None:
        """Apply again the events a rollback took back; spool them if that fails too."""
        events, self.pending = self.pending, []
        try:
            for event in events:
                apply(self.session, self.desk, event)
        except Exception:
            self._rollback()
            self._spool(events)  # the replay sorts out what fails there
        else:
            self.pending = events

    def commit(self) -> bool:
        """Make the applied events durable; spool them when that fails. True when committed."""
        if not self.pending:
            return not self.spooled
        events, self.pending = self.pending, []
        if self.database_failed():  # PostgreSQL would answer COMMIT with ROLLBACK
            log.error("database failed earlier in the request: %d event(s) spooled", len(events))
            self._rollback()
            self._spool(events)
            return False
        try:
            self.session.commit()
        except SQLAlchemyError as exc:
            log.error("commit failed (%s): %d event(s) spooled", type(exc).__name__, len(events))
            self._rollback()
            self._spool(events)
            return False
        if spool.has_pending(self.desk.spool_dir):  # the database is back: bring in what waited
            replay_spool(self.database, self.desk)
        return not self.spooled

    def abandon(self) -> None:
        """The request ended without a commit (an error after the answer): keep what was said."""
        if self.pending:
            events, self.pending = self.pending, []
            log.error("request ended uncommitted: %d event(s) spooled", len(events))
            self._spool(events)

    def _spool(self, events: list[Event]) -> object:
        self.pending, self.spooled = [], True
        for event in events:
            spool.append(self.desk.spool_dir, event)
        return SPOOLED

    def _rollback(self) -> None:
        with contextlib.suppress(SQLAlchemyError):  # the connection is gone; the pool replaces it
            self.session.rollback()


def record(database: Database, desk: Desk, event: Event) -> bool:
    """Apply `event` now in a transaction of its own, or keep it in the spool."""
    return _alone(database, desk, event) is not SPOOLED


def record_incident(database: Database, desk: Desk, event: Event) -> str | None:
    """Apply an `incident` event; the reference the call's incident has (None when spooled)."""
    stored = _alone(database, desk, event)
    return None if stored is SPOOLED else stored.reference


def _alone(database: Database, desk: Desk, event: Event) -> Any:
    with database.sessions() as session:
        facts = Facts(database, desk, session)
        result = facts.record(event)
        return result if facts.commit() and result is not SPOOLED else SPOOLED


def _error(exc: BaseException) -> str:
    first_line = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {first_line}"


def apply(session: Session, desk: Desk, event: Event) -> Any:
    handler = HANDLERS[event["type"]]
    return handler(session, desk, event)


def _at(event: Event) -> datetime:
    return datetime.fromisoformat(event["at"])


@dataclass(frozen=True)
class _Statements:
    """The recorder's writes, built once per dialect: only their parameters change per event."""

    call: Any
    call_started_remembering: Any
    call_ended: Any
    caller_language: Any
    new_incident: Any


@functools.cache
def _built(dialect: str) -> _Statements:
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
        {**{c: bindparam(c) for c in _CALL_FACTS[:4]}, "language": remembered}
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
    return _Statements(call, started, ended, language, incident)


_LATEST_WINS = ("route", "outcome", "agent_name")
_CALL_FACTS = ("call_sid", "started_at", "from_number", "to_number", "language", *_LATEST_WINS)
_CALL_ENDED = ("call_sid", "started_at", "ended_at", "twilio_status", "duration_seconds", "outcome")


def _statements(session: Session) -> _Statements:
    return _built(session.get_bind().dialect.name)


def _upsert_call(session: Session, event: Event, **values: Any) -> None:
    """One statement: the call's row with `values`, created on the call's first event."""
    params = dict.fromkeys(_CALL_FACTS)
    params |= values
    params["call_sid"], params["started_at"] = event["call_sid"], _at(event)
    session.execute(_statements(session).call, params)


def call_started(session: Session, _desk: Desk, event: Event) -> str | None:
    """The call began; with a `caller_key`, the call takes the language that caller chose last
    time, read in the same statement, and that language is returned."""
    numbers = {"from_number": event.get("from") or None, "to_number": event.get("to") or None}
    if not event.get("caller_key"):
        _upsert_call(session, event, **numbers)
        return None
    params = {"call_sid": event["call_sid"], "started_at": _at(event), **numbers}
    params["caller_key"] = event["caller_key"]
    return session.execute(_statements(session).call_started_remembering, params).scalar()


def call_language(session: Session, _desk: Desk, event: Event) -> None:
    _upsert_call(session, event, language=event["language"])
    key = event.get("caller_key")
    if key:
        params = {"caller_key": key, "language": event["language"], "updated_at": _at(event)}
        session.execute(_statements(session).caller_language, params)


def call_route(session: Session, _desk: Desk, event: Event) -> None:
    _upsert_call(
        session,
        event,
        route=event.get("route") or None,
        outcome=event.get("outcome") or None,
        agent_name=event.get("agent_name") or None,
    )


def call_ended(session: Session, desk: Desk, event: Event) -> None:
    # The caller hung up before finishing: what they said still goes to the ticket system.
    partial = None
    if desk.handoff:  # only the hand-off needs to know what the call looked like before
        before = _call_with_incident(session, event)
        if before is not None and before._ended_at is None and before.id is not None:
            partial = before if before.status == "partial" else None
    duration = event.get("duration")
    params = {
        "call_sid": event["call_sid"],
        "started_at": _at(event),
        "ended_at": _at(event),
        "twilio_status": event.get("status") or None,
        "duration_seconds": int(duration) if duration is not None else None,
        "outcome": "hung up",
    }
    session.execute(_statements(session).call_ended, params)
    if partial is not None:
        enqueue_incident(session, partial, "incident.partial", _at(event))


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


_INCIDENT_COLUMNS = list(incidents.c)
_CALL_WITH_INCIDENT = (
    select(
        calls.c.id.label("_call_id"),
        calls.c.from_number.label("_from_number"),
        calls.c.ended_at.label("_ended_at"),
        *_INCIDENT_COLUMNS,
    )
    .outerjoin(incidents, incidents.c.call_id == calls.c.id)
    .where(calls.c.call_sid == bindparam("call_sid"))
)


def _call_with_incident(session: Session, event: Event) -> Row | None:
    """One statement: the call's row and its incident's (`id` None when it has none yet)."""
    found = session.execute(_CALL_WITH_INCIDENT, {"call_sid": event["call_sid"]}).first()
    if found is None:
        return None
    values = dict(found._mapping)
    row = Row({k: v for k, v in values.items() if not k.startswith("_")})
    # The call's own columns ride along under names that are never written back.
    row._call_id, row._from_number = values["_call_id"], values["_from_number"]
    row._ended_at = values["_ended_at"]
    return row


def _incident(
    session: Session, desk: Desk, event: Event, then: Callable[[Row], None] | None = None
) -> Row:
    """The call's incident, created on first sight, with what `event` (and `then`) add merged in."""
    found = _call_with_incident(session, event)
    if found is None:  # the call's first event: only the spool or a stray callback get here
        _upsert_call(
            session, event, from_number=event.get("from") or None, to_number=event.get("to") or None
        )
        found = _call_with_incident(session, event)
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
            row.updated_at = _at(event)
        if existed:
            _save(session, row)
            break
        inserted = _insert_incident(session, row)
        if inserted:
            break
        # Another webhook of this call created it meanwhile, or another call holds this reference
        # (one in ten million): merge into the one that exists, or draw a new reference.
        found = _call_with_incident(session, event)
        assert found is not None
        reference = new_reference()
    else:
        raise RuntimeError(f"no free reference for call {event['call_sid']}")
    if desk.handoff and was_partial and row.status != "partial":
        enqueue_incident(session, row, "incident.completed", _at(event))
    if desk.messages_from and was_partial and row.status != "partial":
        _text_reference(session, desk, row, _at(event))
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
        reference=f"{row.reference[:4]} {row.reference[4:]}",
        when=spoken.date_phrase(row.pickup_at, language, desk.tz),
    )


def disruption_affected(session: Session, _desk: Desk, event: Event) -> None:
    disruptions.add_affected(
        session,
        int(event["disruption_id"]),
        event["call_sid"],
        number=event.get("number") or None,
        language=event.get("language") or "nl",
        at=_at(event),
    )


def message_opt_out(session: Session, _desk: Desk, event: Event) -> None:
    messages.opt_out(session, event["caller_key"], _at(event))


def _new_incident(call: Row, event: Event, reference: str) -> Row:
    values: dict[str, Any] = {c.name: None for c in _INCIDENT_COLUMNS}
    values |= {
        "call_id": call._call_id,
        "reference": reference,
        "kind": event.get("kind") or "incident",
        "status": "partial",
        "taken_out_of_hours": False,
        "support_incident": False,
        "received_at": _at(event),
        "caller_number": call._from_number,
        "callback_number": call._from_number,
    }
    row = Row({})
    row.__dict__.update(values)
    return row


def _insert_incident(session: Session, row: Row) -> bool:
    """INSERT that does nothing when the call has an incident or the reference is taken."""
    values = {k: v for k, v in row.changes().items() if k != "id"}
    new_id = session.execute(_statements(session).new_incident, values).scalar()
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
        row.category = int(categorise(Impact(row.impact), Severity(row.severity)))
    completed = was_partial and row.status != "partial"
    if row.pickup_at is None or (row.category, row.received_at) != before or completed:
        _start_clocks(session, desk, row, _at(event) if completed else None)


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
        row.change_due = standard_change_due(calendar, row.received_at)
    if row.category is not None:
        # Closed until further notice: no due times yet; the next event of the call or a
        # recomputation after the closure is lifted sets them (pickup_at stays None till then).
        due = SlaClock.start(calendar, Category(row.category), row.received_at)
        row.reaction_due = due.reaction_due if due else None
        row.restore_due = row.appointment_at or (due.restore_due if due else None)
        if row.status != "resolved":
            row.status_report_due = status_report_due(
                calendar, Category(row.category), row.received_at, row.appointment_at
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
        row.acknowledged_at = row.acknowledged_at or _at(event)
        row.acknowledged_by = row.acknowledged_by or event.get("agent_name")

    row = _incident(session, desk, {**event, "status": "acknowledged"}, add)
    if first:  # the incident's history says who took it on, once
        session.execute(
            incident_events.insert(),
            {"incident_id": row.id, "kind": "acknowledged", "at": _at(event),
             "author": row.acknowledged_by},
        )  # fmt: skip
    call_route(session, desk, {**event, "outcome": "agent answered"})
    return row


HANDLERS: dict[str, Callable[[Session, Desk, Event], Any]] = {
    "call_started": call_started,
    "call_language": call_language,
    "call_route": call_route,
    "call_ended": call_ended,
    "incident": incident,
    "recording": recording,
    "agent_answered": agent_answered,
    "message_opt_out": message_opt_out,
    "disruption_affected": disruption_affected,
}


@dataclass
class Replayed:
    """What a replay did: applied, set aside as dead letters, still waiting (and why)."""

    applied: int = 0
    dead: int = 0
    waiting: int = 0
    unreachable: str | None = None  # the connection error that stopped it


def replay_spool(database: Database, desk: Desk) -> Replayed:
    """Apply spooled events in their order, including those of a replay that died midway.

    An event the database refuses (or the code cannot apply) becomes a dead letter and the replay
    goes on; when the database cannot be reached, the rest is put back for the next replay.
    """
    done = Replayed()
    for claimed in spool.claim(desk.spool_dir):
        if done.unreachable:
            claimed.release()  # untouched: the next replay takes it over
            continue
        lines = claimed.lines()
        for i, line in enumerate(lines):
            try:
                event = json.loads(line)
            except ValueError:  # half a line from a crash while appending
                spool.bury(desk.spool_dir, "unreadable line", raw=line)
                done.dead += 1
                continue
            try:
                with database.sessions.begin() as session:
                    apply(session, desk, event)
                done.applied += 1
            except Exception as exc:
                if not unreachable(exc):
                    spool.bury(desk.spool_dir, _error(exc), event)
                    done.dead += 1
                    continue
                done.unreachable = _error(exc)
                rest = [json.loads(r) for r in lines[i:] if _readable(r)]
                spool.append_all(desk.spool_dir, rest)
                done.waiting += len(rest)
                break
        claimed.finish()
    if done.applied or done.dead or done.waiting:
        log.info(
            "spool replayed: %d applied, %d set aside, %d waiting",
            done.applied,
            done.dead,
            done.waiting,
        )
    return done


def _readable(line: str) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True
