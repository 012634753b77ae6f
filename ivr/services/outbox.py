"""Hand-off to the ticket system through an outbox: nothing is lost while the system is down.

An incident is queued in the same transaction that completes it. `deliver_due` later hands each
message to the configured connector (ivr/connectors/: the signed webhook, TOPdesk, Zammad) and
retries with exponential back-off until it is delivered or refused. A message is claimed with a
conditional UPDATE (a lease) that also counts the attempt, so two workers never send it at the
same time, and a claim after a worker died mid-delivery knows an earlier attempt may have
written: the connector then looks the ticket up before creating one (`Delivery.maybe_written`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Update, case, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from ivr.connectors.base import Connector, Delivery, Outcome, Result
from ivr.connectors.webhook import Post, Receiver, WebhookConnector, sign
from ivr.models import DEFAULT_DESK, Call, Incident, OutboxMessage
from ivr.privacy import mask_numbers_in
from ivr.services.desk_rows import EVERY, DeskRows
from ivr.services.records import as_record
from ivr.services.roles import Scope
from ivr.services.scoped import within

__all__ = [
    "Receiver",
    "backoff",
    "claim",
    "claim_ticket",
    "deliver_due",
    "enqueue_incident",
    "sign",
    "tally",
]

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
BATCH = 50
TICKET = "ticket"


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


@dataclass(frozen=True)
class Pass:
    delivered: int
    failed: int


@dataclass(frozen=True)
class Claimed:
    attempt: int  # this attempt's number, 1 for the first
    maybe_written: bool  # an earlier attempt did not end in a clear refusal


def deliver_due(
    sessions: sessionmaker[Session],
    receiver: Receiver | Connector,
    now: datetime,
    post: Post | None = None,
    rows: DeskRows = EVERY,
) -> Pass:
    """One pass over the messages that are due (of the desks `rows` names). Safe to run in
    several processes at once."""
    connector = WebhookConnector(receiver, post) if isinstance(receiver, Receiver) else receiver
    with sessions() as session:
        due = session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.channel == TICKET,
                OutboxMessage.delivered_at.is_(None),
                OutboxMessage.given_up_at.is_(None),
                OutboxMessage.next_attempt_at <= now,
                rows.where(OutboxMessage.desk),
            )
            .order_by(OutboxMessage.id)
            .limit(BATCH)
        ).all()
    delivered = failed = 0
    for message_id in due:
        claimed = claim_ticket(sessions, message_id, now)
        if claimed is None:
            continue
        if _send(sessions, message_id, claimed, connector, now):
            delivered += 1
        else:
            failed += 1
    return Pass(delivered, failed)


def _claimable(message_id: int, now: datetime) -> Update:
    """The conditional UPDATE of a claim: only a message still due, not sent, not refused."""
    return update(OutboxMessage).where(
        OutboxMessage.id == message_id,
        OutboxMessage.delivered_at.is_(None),
        OutboxMessage.given_up_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
    )


def claim(sessions: sessionmaker[Session], message_id: int, now: datetime) -> bool:
    """Take a due message for `LEASE`: of several workers, exactly one gets it."""
    with sessions.begin() as session:
        claimed = session.execute(_claimable(message_id, now).values(next_attempt_at=now + LEASE))
        return claimed.rowcount == 1  # type: ignore[attr-defined]


def claim_ticket(sessions: sessionmaker[Session], message_id: int, now: datetime) -> Claimed | None:
    """`claim` for a ticket, counting the attempt in the same UPDATE: a worker that dies before
    it hears back still leaves its trace, and the next claim knows it may have written."""
    with sessions.begin() as session:
        claimed = session.execute(
            _claimable(message_id, now).values(
                next_attempt_at=now + LEASE, attempts=OutboxMessage.attempts + 1
            )
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        attempts, refusals = session.execute(
            select(OutboxMessage.attempts, OutboxMessage.refusals).where(
                OutboxMessage.id == message_id
            )
        ).one()
        return Claimed(attempts, maybe_written=attempts - 1 > (refusals or 0))


def _send(
    sessions: sessionmaker[Session],
    message_id: int,
    claimed: Claimed,
    connector: Connector,
    now: datetime,
) -> bool:
    with sessions() as session:  # no transaction stays open while the system answers
        message = session.get_one(OutboxMessage, message_id)
        incident = session.get_one(Incident, message.incident_id)
        reference = incident.reference
        delivery = Delivery(
            message_id=message.id,
            event=message.event,
            attempt=claimed.attempt,
            maybe_written=claimed.maybe_written,
            incident=as_record(incident, UTC),
            desk=message.desk,
            external_id=message.external_id or _known_ticket(session, message, connector.name),
            at=now,
        )
    try:
        outcome = connector.deliver(delivery)
    except Exception as exc:  # a connector's bug must not stop the pass nor lose the message
        log.exception("connector %s failed on %s", connector.name, reference)
        outcome = Outcome(Result.RETRY, message=f"{type(exc).__name__}: {exc}"[:500])
    _record(sessions, message_id, connector.name, outcome=outcome, reference=reference, now=now)
    return outcome.result is Result.DELIVERED


def _known_ticket(session: Session, message: OutboxMessage, connector: str) -> str | None:
    """The ticket an earlier delivery of the same incident made (a report completed after its
    partial hand-off): the connector adds to it instead of making a second one."""
    return session.scalar(
        select(OutboxMessage.external_id)
        .where(
            OutboxMessage.incident_id == message.incident_id,
            OutboxMessage.channel == TICKET,
            OutboxMessage.connector == connector,
            OutboxMessage.external_id.is_not(None),
            OutboxMessage.id != message.id,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


def _record(
    sessions: sessionmaker[Session],
    message_id: int,
    connector: str,
    *,
    outcome: Outcome,
    reference: str,
    now: datetime,
) -> None:
    said = outcome.message[:500] if outcome.message else None
    with sessions.begin() as session:
        message = session.get_one(OutboxMessage, message_id)
        message.connector = connector
        if outcome.result is Result.DELIVERED:
            message.delivered_at, message.last_error = now, None
            message.system_message = said
            message.external_id = outcome.external_id or message.external_id
        elif outcome.result is Result.REFUSED:
            message.given_up_at, message.last_error = now, said or "refused"
            message.refusals = (message.refusals or 0) + 1
            log.warning("%s refused %s: %s", connector, reference, mask_numbers_in(said))
        else:
            message.next_attempt_at = now + backoff(message.attempts)
            message.last_error = said
            log.warning("hand-off of %s failed (%s), retry at %s", reference, mask_numbers_in(said),
                        message.next_attempt_at.isoformat())  # fmt: skip


@dataclass(frozen=True)
class Tally:
    """What one connector has in the outbox."""

    connector: str
    waiting: int
    delivered: int
    refused: int


def tally(
    session: Session,
    configured: str,
    desks: Scope = None,
    per_desk: Mapping[str, str] | None = None,
) -> list[Tally]:
    """Per connector (the one that last tried it; a row not tried yet waits for its desk's
    system in `per_desk`, else for `configured`), of `desks` (None: every desk)."""
    waits_for: Any = configured
    own = {desk: system or "-" for desk, system in (per_desk or {}).items()}
    if own:
        waits_for = case(own, value=OutboxMessage.desk, else_=configured)
    name = func.coalesce(OutboxMessage.connector, waits_for)
    rows = session.execute(
        select(
            name,
            func.count().filter(OutboxMessage.delivered_at.is_not(None)),
            func.count().filter(OutboxMessage.given_up_at.is_not(None)),
            func.count(),
        )
        .where(OutboxMessage.channel == TICKET, within(OutboxMessage.desk, desks))
        .group_by(name)
        .order_by(name)
    ).all()
    return [Tally(c, total - done - refused, done, refused) for c, done, refused, total in rows]


def handed_off(
    session: Session, limit: int = 100, desks: Scope = None
) -> list[tuple[OutboxMessage, str | None]]:
    """The ticket system's messages of `desks` (None: every desk), waiting and refused first,
    with their incident's reference."""
    return [
        (message, reference)
        for message, reference in session.execute(
            select(OutboxMessage, Incident.reference)
            .outerjoin(Incident, Incident.id == OutboxMessage.incident_id)
            .where(OutboxMessage.channel == TICKET, within(OutboxMessage.desk, desks))
            .order_by(OutboxMessage.delivered_at.is_not(None), OutboxMessage.id.desc())
            .limit(limit)
        )
    ]


def pending(session: Session, limit: int = 100, desks: Scope = None) -> list[OutboxMessage]:
    """Waiting messages first, then the latest sent, of `desks` (None: every desk)."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(within(OutboxMessage.desk, desks))
            .order_by(OutboxMessage.delivered_at.is_not(None), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def desk_of(session: Session, message_id: int) -> str | None:
    return session.scalar(select(OutboxMessage.desk).where(OutboxMessage.id == message_id))


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
