"""Keeps what happens on a call: each fact is an event applied idempotently to the database.

Twilio retries webhooks and sends recording callbacks in any order, so every event is an upsert
keyed by CallSid that only adds information. A webhook's events are `Facts`: applied on the
request's own connection as they happen and committed once, in one transaction, before the line
answers. When the database cannot be reached the events go to the local spool and are applied
later by `replay_spool`, with their original timestamps.

The writes are SQLAlchemy Core: the call's in `ivr.services.call_events`, the incident's in
`ivr.services.incident_merge`.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ivr import spool
from ivr.db import Database, unreachable
from ivr.services.call_events import (
    Event,
    call_ended,
    call_language,
    call_route,
    call_started,
    disruption_affected,
    message_opt_out,
)
from ivr.services.desk import Desk
from ivr.services.desks import Desks
from ivr.services.incident_merge import agent_answered, incident, recording

log = logging.getLogger(__name__)


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
        self.early: list[Event] = []  # applied in autocommit: durable already (PostgreSQL)
        self.spooled = False

    def record(self, event: Event) -> Any:
        """Apply `event`; what its handler returned, or `SPOOLED` when it went to the spool."""
        if self.spooled or self.database_failed():
            return self._spool([event])
        alone = self._may_autocommit(event)
        try:
            if alone:
                result = self._autocommit(event)
            else:
                if self.early:  # a transaction of its own, on a connection not in autocommit
                    self._end_autocommit()
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
        (self.early if alone else self.pending).append(event)
        return result

    def _may_autocommit(self, event: Event) -> bool:
        """On PostgreSQL an event of one statement that reports nothing to an outbox runs in
        autocommit when nothing else of this request is in a transaction: psycopg then sends
        neither BEGIN nor COMMIT, one round trip instead of three."""
        if self.pending or not single_statement(self.desk, event):
            return False
        if self.early:
            return True
        return not self.session.in_transaction() and self._dialect() == "postgresql"

    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def _autocommit(self, event: Event) -> Any:
        if not self.early:
            self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return apply(self.session, self.desk, event)

    def _end_autocommit(self) -> None:
        """Give the autocommitting connection back (its statements are committed already): the
        next event's statements get a transaction of their own."""
        early, self.early = self.early, []
        try:
            self.session.commit()  # COMMITs only if a retry replaced the connection
        except SQLAlchemyError:
            self._rollback()
            self._spool(early)
            raise

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
        if self.early and not self.pending:
            return self._commit_early()
        if not self.pending:
            return not self.spooled
        events, self.pending = self.pending, []
        if self.database_failed():  # PostgreSQL would answer COMMIT with ROLLBACK
            log.error("database failed earlier in the request: %d event(s) spooled", len(events))
            self._rollback()
            self._spool(events)
            return False
        return self._commit(events)

    def _commit_early(self) -> bool:
        """The autocommitted events are durable; the session's transaction ends (a COMMIT only
        when a retried first statement ran on a fresh connection, outside autocommit)."""
        events, self.early = self.early, []
        return self._commit(events)

    def _commit(self, events: list[Event]) -> bool:
        """Commit the session; on failure `events` go to the spool. Then bring in what waited."""
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


def single_statement(desk: Desk, event: Event) -> bool:
    """Whether `event` is one statement writing no outbox row (so autocommit may take it)."""
    kind = event["type"]
    if kind == "call_route":
        return True
    if kind == "call_started":
        return not desk.cti  # Zammad's "newCall" goes out in the call's own transaction
    if kind == "call_language":
        return not event.get("caller_key")  # else the caller's remembered language too
    if kind == "call_ended":
        return not (desk.cti or desk.handoff)  # the hand-off reads the call first
    return False


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


def replay_spool(database: Database, desk: Desk, desks: Desks | None = None) -> Replayed:
    """Apply spooled events in their order, including those of a replay that died midway.

    An event naming its desk (a line of several desks) is applied with that desk's settings
    when `desks` knows it, else with `desk`'s.

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
                own = desks.get(event.get("desk")) if desks is not None else None
                with database.sessions.begin() as session:
                    apply(session, own or desk, event)
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
