"""Callers waiting for an agent: joining, what they hear while waiting, leaving, callbacks.

The order is the domain's (ivr/domain/queueing.py); claiming a caller for an agent is dispatch's
(ivr/services/dispatch.py). Every function here commits its own short transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ivr.db import Database
from ivr.domain import queueing
from ivr.models import DEFAULT_DESK, Agent, AgentDesk, Offer, QueueEntry, language_codes
from ivr.services.agents import serving
from ivr.services.presence import AVAILABLE, AWAY

WAITING, OFFERED, CONNECTED, DONE, LEFT, REPORT = (
    "waiting", "offered", "connected", "done", "left", "report",
)  # fmt: skip
IN_QUEUE = (WAITING, OFFERED)
HANDLING_SAMPLE = 50  # the last calls the expected wait is measured on


@dataclass(frozen=True)
class QueueSettings:
    ring_seconds: int
    wrap_up_seconds: int
    max_wait_seconds: int
    max_length: int
    choice_seconds: int
    handling_seconds: int
    question_category: int
    callback_attempts: int
    fault_seconds: int
    public_url: str
    callback_retry_seconds: int = 600
    # Issue 27: a browser agent's tab is gone after this long without a heartbeat (0: no
    # softphone configured; `client:` agents are then not watched).
    softphone_grace_seconds: int = 0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> QueueSettings:
        return cls(
            ring_seconds=config["DIAL_TIMEOUT_SECONDS"],
            wrap_up_seconds=config["WRAP_UP_SECONDS"],
            max_wait_seconds=config["QUEUE_MAX_WAIT_SECONDS"],
            max_length=config["QUEUE_MAX_LENGTH"],
            choice_seconds=config["QUEUE_CHOICE_SECONDS"],
            handling_seconds=config["QUEUE_HANDLING_SECONDS"],
            question_category=config["QUEUE_QUESTION_CATEGORY"],
            callback_attempts=config["CALLBACK_ATTEMPTS"],
            fault_seconds=config["QUEUE_FAULT_SECONDS"],
            public_url=config["PUBLIC_URL"].rstrip("/"),
            callback_retry_seconds=config["CALLBACK_RETRY_SECONDS"],
            # 0: no softphone configured, so `client:` agents are rung as before (issue 27)
            softphone_grace_seconds=config["SOFTPHONE_GRACE_SECONDS"] if _softphone(config) else 0,
        )


def _softphone(config: Mapping[str, Any]) -> bool:
    names = (
        "TWILIO_ACCOUNT_SID",
        "TWILIO_API_KEY_SID",
        "TWILIO_API_KEY_SECRET",
        "TWILIO_TWIML_APP_SID",
    )
    return all(config.get(name) for name in names)


@dataclass(frozen=True)
class Caller:
    """What the line knows of a caller when they join the queue."""

    call_sid: str
    language: str
    kind: str
    category: int | None
    impact: str | None = None
    severity: str | None = None
    reference: str | None = None
    desk: str = DEFAULT_DESK  # the desk they dialled: they wait in its order, for its agents


@dataclass(frozen=True)
class WaitInfo:
    status: str
    mode: str
    leave_reason: str | None
    position: int
    expected: timedelta | None
    waited: timedelta
    failed_offers: int
    first_round: bool = False  # the caller's first waitUrl request: nothing told yet


def agents_for(session: Session, language: str, desk: str | None = None) -> int:
    """Agents on duty (not away) who speak `language` (and serve `desk`; None: any desk)."""
    query = select(Agent).where(Agent.presence != AWAY)
    if desk is not None:
        query = query.where(serving(desk))
    return sum(1 for a in session.scalars(query) if language in a.language_list)


def _free() -> ColumnElement[bool]:
    """Free this moment, as `free_agents_for` and its per-desk counts say: available (not
    ringing, on a call, in wrap-up or away)."""
    return Agent.presence == AVAILABLE


def free_agents_for(session: Session, language: str, desk: str | None = None) -> int:
    """Agents free this moment (not ringing, on a call or in wrap-up) who speak `language`
    (and serve `desk`; None: any desk)."""
    query = select(Agent).where(_free())
    if desk is not None:
        query = query.where(serving(desk))
    return sum(1 for a in session.scalars(query) if language in a.language_list)


def free_agents_by_desk(session: Session) -> Counter[tuple[str, str]]:
    """`free_agents_for(session, language, desk)` for every desk and language at once, in one
    grouped statement (the metrics scrape); a pair nobody is free for is absent (0)."""
    rows = session.execute(
        select(AgentDesk.desk, Agent.languages, func.count())
        .join(Agent, Agent.id == AgentDesk.agent_id)
        .where(_free())
        .group_by(AgentDesk.desk, Agent.languages)
    )
    counts: Counter[tuple[str, str]] = Counter()
    for desk, languages, n in rows:
        for language in set(language_codes(languages)):
            counts[desk, language] += n
    return counts


def waiting_count(session: Session, language: str, desk: str | None = None) -> int:
    """Callers of `language` in the queue (of `desk`; None: of every desk)."""
    query = (
        select(func.count())
        .select_from(QueueEntry)
        .where(QueueEntry.status.in_(IN_QUEUE), QueueEntry.language == language)
    )
    if desk is not None:
        query = query.where(QueueEntry.desk == desk)
    return session.scalar(query) or 0


def join(
    database: Database, caller: Caller, now: datetime, max_length: int, *, pending: bool = False
) -> bool:
    """Put the caller in the queue (a retried webhook changes nothing). False when it is full.

    `pending`: Twilio has not enqueued them yet (the `<Enqueue>` is still to be answered): no
    agent is rung until their first waitUrl request (`wait_info`) says they are in the queue.
    """
    with database.sessions.begin() as session:
        existing = session.scalar(select(QueueEntry).where(QueueEntry.call_sid == caller.call_sid))
        if existing is not None:
            return existing.status in IN_QUEUE
        # QUEUE_MAX_LENGTH counts per desk and language: a busy desk does not fill another's.
        if waiting_count(session, caller.language, caller.desk) >= max_length:
            return False
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(QueueEntry)
            .values(
                call_sid=caller.call_sid,
                desk=caller.desk,
                reference=caller.reference,
                language=caller.language,
                kind=caller.kind,
                category=caller.category,
                impact=caller.impact,
                severity=caller.severity,
                status=WAITING,
                mode="line",
                enqueued_at=now,
                last_seen_at=now,
                in_queue_at=None if pending else now,
                callback_attempts=0,
                failed_offers=0,
            )
            .on_conflict_do_nothing()
        )
    return True


def waiting_callers(session: Session, desk: str | None = None) -> list[queueing.Waiting]:
    """Callers in the queue (of `desk`; None: of every desk)."""
    query = select(QueueEntry).where(QueueEntry.status.in_(IN_QUEUE))
    if desk is not None:
        query = query.where(QueueEntry.desk == desk)
    return [as_waiting(e) for e in session.scalars(query)]


def as_waiting(entry: QueueEntry) -> queueing.Waiting:
    return queueing.Waiting(
        entry.id, entry.language, entry.kind, entry.category, entry.enqueued_at, entry.desk
    )


def handling_seconds(session: Session, default: float) -> float:
    """The mean time agents spent on the line's last calls (accepted to ended)."""
    rows = session.execute(
        select(Offer.accepted_at, Offer.ended_at)
        .where(Offer.status == "done", Offer.accepted_at.is_not(None), Offer.ended_at.is_not(None))
        .order_by(Offer.ended_at.desc())
        .limit(HANDLING_SAMPLE)
    ).all()
    durations = [(end - start).total_seconds() for start, end in rows]
    return queueing.mean_handling(durations, default)


def wait_info(
    database: Database, settings: QueueSettings, call_sid: str, now: datetime
) -> WaitInfo | None:
    """Where the caller stands, remembering the position told (it never goes up)."""
    with database.sessions.begin() as session:
        entry = session.scalar(select(QueueEntry).where(QueueEntry.call_sid == call_sid))
        if entry is None:
            return None
        # Position and expected wait count the caller's own desk: its callers, its agents.
        waiting = waiting_callers(session, entry.desk)
        me = as_waiting(entry)
        true_position = queueing.position(me, waiting, settings.question_category)
        position = queueing.told_position(true_position, entry.told_position)
        agents = agents_for(session, entry.language, entry.desk)
        handling = handling_seconds(session, settings.handling_seconds)
        expected = queueing.expected_wait(
            true_position,
            agents,
            handling,
            free=free_agents_for(session, entry.language, entry.desk),
            being_called=entry.status == OFFERED,
        )
        first_round = entry.told_position is None
        if entry.status in IN_QUEUE:
            entry.told_position = position
            entry.last_seen_at = now
            # Twilio requests the waitUrl only once the caller is in its queue
            # (twilio.com/docs/voice/twiml/enqueue#attributes-wait-url): agents may ring now.
            entry.in_queue_at = entry.in_queue_at or now
        return WaitInfo(
            entry.status,
            entry.mode,
            entry.leave_reason,
            position,
            expected,
            now - entry.enqueued_at,
            entry.failed_offers,
            first_round,
        )


def leave_reason(database: Database, call_sid: str) -> str | None:
    with database.sessions() as session:
        return session.scalar(
            select(QueueEntry.leave_reason).where(QueueEntry.call_sid == call_sid)
        )


def keep_place_for_callback(database: Database, call_sid: str, number: str, now: datetime) -> bool:
    """The caller hangs up and keeps their place: their turn brings a callback."""
    with database.sessions.begin() as session:
        entry = session.scalar(select(QueueEntry).where(QueueEntry.call_sid == call_sid))
        if entry is None or entry.status not in (*IN_QUEUE, LEFT):
            return False
        # The wait on the line ended when they chose the callback (and left the queue), not
        # when they finished confirming the number; kept for the service-level report.
        left = entry.ended_at if entry.status == LEFT and entry.leave_reason == "callback" else None
        entry.callback_requested_at = left or now
        entry.mode, entry.callback_number, entry.status = "callback", number, WAITING
        entry.in_queue_at = entry.in_queue_at or now  # a callback needs no Twilio queue
        entry.leave_reason, entry.ended_at = "callback", None
        return True


def finished(database: Database, call_sid: str, now: datetime) -> None:
    """The caller's call was bridged to an agent and has ended."""
    with database.sessions.begin() as session:
        entry = session.scalar(select(QueueEntry).where(QueueEntry.call_sid == call_sid))
        if entry is not None and entry.mode == "line" and entry.status != DONE:
            entry.status, entry.ended_at = DONE, now
