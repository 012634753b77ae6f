"""Hand-off to the ticket system through an outbox: nothing is lost while the receiver is down.

An incident is queued in the same transaction that completes it. `deliver_due` later POSTs each
message, signed with HMAC-SHA256, and retries with exponential back-off until the receiver
answers 2xx. A message is claimed with a conditional UPDATE (a lease), so two workers never send
it at the same time; `X-IVR-Delivery` lets the receiver drop a repeat after a crash mid-send.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from ivr.models import DEFAULT_DESK, Call, Incident, OutboxMessage
from ivr.services.records import as_record

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
BATCH = 50


class Queued(Protocol):
    """What the outbox needs of an incident: an ORM row, or the recorder's plain one."""

    id: int | None
    reference: str


def enqueue_incident(session: Session, incident: Queued, event: str, now: datetime) -> None:
    """Queue `incident` for the ticket system; the body is built when it is sent, so it is fresh."""
    if incident.id is None:
        session.flush()  # a new ORM incident needs its id
    session.execute(
        insert(OutboxMessage.__table__).values(
            incident_id=incident.id,
            desk=getattr(incident, "desk", None) or DEFAULT_DESK,  # the incident's desk
            event=event,
            payload=json.dumps({"event": event, "reference": incident.reference}),
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... at most an hour between attempts."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


@dataclass(frozen=True)
class Receiver:
    url: str
    secret: str
    timeout: float


Post = Callable[..., Any]  # requests.post's signature


@dataclass(frozen=True)
class Pass:
    delivered: int
    failed: int


def deliver_due(
    sessions: sessionmaker[Session], receiver: Receiver, now: datetime, post: Post | None = None
) -> Pass:
    """One pass over the messages that are due. Safe to run in several processes at once."""
    if post is None:
        import requests

        post = requests.post
    with sessions() as session:
        due = session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.channel == "ticket",
                OutboxMessage.delivered_at.is_(None),
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.id)
            .limit(BATCH)
        ).all()
    delivered = failed = 0
    for message_id in due:
        if not claim(sessions, message_id, now):
            continue
        if _send(sessions, message_id, receiver, now, post):
            delivered += 1
        else:
            failed += 1
    return Pass(delivered, failed)


def claim(sessions: sessionmaker[Session], message_id: int, now: datetime) -> bool:
    """Take a due message for `LEASE`: of several workers, exactly one gets it."""
    with sessions.begin() as session:
        claimed = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.delivered_at.is_(None),
                OutboxMessage.given_up_at.is_(None),
                OutboxMessage.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + LEASE)
        )
        return claimed.rowcount == 1  # type: ignore[attr-defined]


def _send(
    sessions: sessionmaker[Session], message_id: int, receiver: Receiver, now: datetime, post: Post
) -> bool:
    with sessions() as session:  # no transaction stays open while the receiver answers
        message = session.get_one(OutboxMessage, message_id)
        incident = session.get_one(Incident, message.incident_id)
        reference = incident.reference
        body = json.dumps(
            {"event": message.event, "delivery": message.id, "incident": as_record(incident, UTC)},
            ensure_ascii=False,
        ).encode()
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "X-IVR-Delivery": str(message_id),
        "X-IVR-Timestamp": timestamp,
        "X-IVR-Signature": sign(receiver.secret, timestamp, body),
    }
    try:
        response = post(receiver.url, data=body, headers=headers, timeout=receiver.timeout)
        ok = 200 <= response.status_code < 300
        error = None if ok else f"HTTP {response.status_code}"
    except OSError as exc:  # requests' connection errors and timeouts are OSErrors
        ok, error = False, f"{type(exc).__name__}: {exc}"[:500]
    with sessions.begin() as session:
        message = session.get_one(OutboxMessage, message_id)
        message.attempts += 1
        if ok:
            message.delivered_at, message.last_error = now, None
        else:
            message.next_attempt_at = now + backoff(message.attempts)
            message.last_error = error
            log.warning("hand-off of %s failed (%s), retry at %s", reference, error,
                        message.next_attempt_at.isoformat())  # fmt: skip
    return ok


def pending(session: Session, limit: int = 100) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .order_by(OutboxMessage.delivered_at.is_not(None), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def retry_now(session: Session, message_id: int, now: datetime) -> bool:
    message = session.get(OutboxMessage, message_id)
    if message is None or message.delivered_at is not None:
        return False
    message.given_up_at = None  # staff ask to try once more
    message.next_attempt_at = now
    session.commit()
    return True


def due_now_for_call(session: Session, call_sid: str, now: datetime) -> int:
    """The call's waiting messages fall due at `now`, the real clock's time.

    `flask call --at` plays a call at a simulated time; what it queues for the ticket system
    must still be sent by the next `outbox run` pass, not when the simulated time comes round.
    """
    incident_ids = (
        select(Incident.id).join(Call, Incident.call_id == Call.id).where(Call.call_sid == call_sid)
    )
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.incident_id.in_(incident_ids), OutboxMessage.delivered_at.is_(None))
        .values(next_attempt_at=now)
    )
    session.commit()
    return result.rowcount
