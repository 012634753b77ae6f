"""Dispatch: offer the right waiting caller to a free agent, exactly once, and follow the offer.

The only place that claims rows. A claim is one short transaction: free agents and waiting
callers are read with `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL (so dispatchers in other
workers and instances pass each other's rows by), and the agent and the caller are then taken
with conditional UPDATEs (`presence` still free, `status` still waiting) whose row counts must
both be 1. That second guard is what makes it exactly once on SQLite too, where `FOR UPDATE` does
not exist and the single writer serialises the UPDATEs. Twilio is called after the commit, never
with a transaction open; what a crash leaves half done, `sweep` repairs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ivr.db import Database
from ivr.domain.queueing import FreeAgent, next_pair
from ivr.models import Agent, AgentDesk, Offer, QueueEntry
from ivr.services import line_alerts, softphone
from ivr.services.desks import Desks
from ivr.services.presence import AVAILABLE, AWAY, RINGING, free_now, free_since, set_presence
from ivr.services.queue import IN_QUEUE, OFFERED, WAITING, QueueSettings, as_waiting
from ivr.telemetry import metrics
from ivr.twilio_errors import account_fault, is_number_fault
from ivr.twilio_rest import TwilioRest, TwilioUnavailable

log = logging.getLogger(__name__)

LIVE_OFFER = ("placing", "ringing")
CLAIM_ATTEMPTS = 5  # lost races in a row before a dispatcher leaves the rest to the next one
FAULT_OFFERS = 2  # refused offers after which a waiting caller is taken on (voice/queue.py)


@dataclass(frozen=True)
class Links:
    """The webhooks Twilio is given for an offer's call, absolute (Twilio needs the host)."""

    base: str

    def offer(self, offer_id: int) -> str:
        return f"{self.base}/voice/offer?offer={offer_id}"

    def offer_status(self, offer_id: int) -> str:
        return f"{self.base}/voice/offer/status?offer={offer_id}"


@dataclass(frozen=True)
class Claim:
    offer_id: int
    address: str
    desk: str = ""  # the caller's desk: its number is the offer's caller ID


class _Lost(Exception):
    """Another dispatcher took the agent or the caller between our read and our update."""


@dataclass(frozen=True)
class Dispatcher:
    """What dispatching needs: the database, Twilio's API, the webhooks' base, the settings."""

    database: Database
    rest: TwilioRest
    links: Links
    settings: QueueSettings
    desks: Desks | None = None  # the line's desks: whose number calls the agent

    def __call__(self, now: datetime, limit: int = 10) -> list[int]:
        return dispatch(self, now, limit)

    def caller_id(self, desk: str) -> str | None:
        """The desk's own number (its first) where it declares one; None: TWILIO_NUMBER."""
        found = self.desks.get(desk) if self.desks is not None else None
        return found.numbers[0] if found is not None and found.numbers else None


def dispatch(line: Dispatcher, now: datetime, limit: int = 10) -> list[int]:
    """Offer waiting callers to free agents until no pair is left; the offers placed."""
    placed: list[int] = []
    lost = 0
    refused_until = line.rest.refused_until
    if refused_until is not None and now < refused_until:
        return placed  # Twilio refuses the account: one try per QUEUE_FAULT_SECONDS, no more
    while len(placed) < limit and lost < CLAIM_ATTEMPTS:
        try:
            claim = claim_next(line.database, line.settings, now)
        except (_Lost, SQLAlchemyError) as exc:
            # A race lost, or SQLite's single writer busy: try again with fresh rows.
            log.info("dispatch claim retried (%s)", type(exc).__name__)
            lost += 1
            continue
        if claim is None:
            break
        if not place(line, claim, now):
            break  # Twilio refused: do not hammer it; the sweeper or the next event retries
        placed.append(claim.offer_id)
    return placed


def claim_next(database: Database, settings: QueueSettings, now: datetime) -> Claim | None:
    """Claim one free agent and the caller they should be offered; None when there is none."""
    wrap = settings.wrap_up_seconds
    with database.sessions.begin() as session:
        # Each free agent with the desks they serve, in the same statement: one row per desk
        # (an agent of no desk is offered nobody). Only the agents' rows are locked.
        rows = session.execute(
            select(Agent, AgentDesk.desk)
            .join(AgentDesk, AgentDesk.agent_id == Agent.id)
            .where(free_now(now, wrap))
            # Issue 27: nobody is offered to a browser agent whose softphone tab is gone.
            .where(softphone.reachable(now, settings.softphone_grace_seconds))
            .order_by(Agent.presence_since, Agent.id)
            .with_for_update(skip_locked=True, of=Agent)
        ).all()
        if not rows:
            return None
        serves: dict[int, set[str]] = {}
        for row_agent, row_desk in rows:
            serves.setdefault(row_agent.id, set()).add(row_desk)
        agents = list({row_agent.id: row_agent for row_agent, _desk in rows}.values())
        entries = session.scalars(
            select(QueueEntry)
            .where(
                QueueEntry.status == WAITING,
                # Not before Twilio has the caller in its queue (`<Dial><Queue>` on a queue that
                # does not exist yet fails: twilio.com/docs/voice/twiml/queue).
                QueueEntry.in_queue_at.is_not(None),
                # A callback the caller did not answer waits out its retry delay.
                or_(QueueEntry.retry_at.is_(None), QueueEntry.retry_at <= now),
            )
            .with_for_update(skip_locked=True)
        ).all()
        waiting = [as_waiting(e) for e in entries]
        free = [
            FreeAgent(
                a.id, tuple(a.language_list), free_since(a, wrap) or now, frozenset(serves[a.id])
            )
            for a in agents
        ]
        pair = next_pair(free, waiting, settings.question_category)
        if pair is None:
            return None
        agent = next(a for a in agents if a.id == pair[0].key)
        entry = next(e for e in entries if e.id == pair[1].key)
        became_free = free_since(agent, wrap) or now
        took_agent = session.execute(
            update(Agent)
            .where(Agent.id == agent.id, free_now(now, wrap))
            .values(presence=RINGING, presence_since=now, presence_note=None, on_duty=True)
            .execution_options(synchronize_session=False)
        )
        took_caller = session.execute(
            update(QueueEntry)
            .where(QueueEntry.id == entry.id, QueueEntry.status == WAITING)
            .values(status=OFFERED)
            .execution_options(synchronize_session=False)
        )
        if took_agent.rowcount != 1 or took_caller.rowcount != 1:  # type: ignore[attr-defined]
            raise _Lost
        offer = Offer(
            entry_id=entry.id,
            agent_id=agent.id,
            status="placing",
            created_at=now,
            agent_free_since=max(became_free, entry.enqueued_at),
        )
        session.add(offer)
        session.flush()
        return Claim(offer.id, agent.address, entry.desk)


def place(line: Dispatcher, claim: Claim, now: datetime) -> bool:
    """Ring the agent's phone through Twilio's API; on refusal undo the claim. True if placed."""
    database = line.database
    try:
        call = line.rest.create_call(
            claim.address,
            line.links.offer(claim.offer_id),
            line.links.offer_status(claim.offer_id),
            ring_seconds=line.settings.ring_seconds,
            caller_id=line.caller_id(claim.desk),
        )
    except TwilioUnavailable as exc:
        return _refused(line, claim, exc, now)
    with database.sessions.begin() as session:
        offer = session.get_one(Offer, claim.offer_id)
        offer.call_sid = call.sid
        offer.placed_at = now
        if offer.status == "placing":
            offer.status = "ringing"
        if line.rest.refused_until is not None or not line.rest.placed_once:
            line.rest.refused_until = None
            line.rest.placed_once = True
            line_alerts.clear(session, line_alerts.CALLS)
    log.info("offer %s placed (entry %s)", claim.offer_id, offer.entry_id)
    return True


def _refused(line: Dispatcher, claim: Claim, exc: TwilioUnavailable, now: datetime) -> bool:
    """Twilio refused the offer's call. Its error code says whose trouble it is
    (ivr/twilio_errors.py): one agent's number sets that agent away and the next agent may do;
    the account or the line's settings keep every agent as they are, raise the alert and stop
    placing offers; anything else (an outage, an unknown code) is as when Twilio is down."""
    fault = account_fault(exc.code)
    with line.database.sessions.begin() as session:
        offer = session.get_one(Offer, claim.offer_id)
        if is_number_fault(exc.code):
            note = f"phone failed (Twilio {exc.code})"
            end_offer(session, offer, "failed", now, presence=AWAY, note=note)
            return True
        end_offer(session, offer, "failed", now, presence=AVAILABLE)
        offer.entry.failed_offers += 1
        if fault is not None:
            line_alerts.raise_alert(session, line_alerts.CALLS, fault, now)
            # Nobody can be rung: the callers on the line go on as when Twilio is down.
            session.execute(
                update(QueueEntry)
                .where(QueueEntry.status.in_(IN_QUEUE), QueueEntry.mode == "line")
                .values(failed_offers=FAULT_OFFERS)
                .execution_options(synchronize_session=False)
            )
            line.rest.refused_until = now + timedelta(seconds=line.settings.fault_seconds)
    return False  # do not hammer it; the sweeper or the next event retries


def end_offer(
    session: Session,
    offer: Offer,
    status: str,
    now: datetime,
    *,
    presence: str | None,
    note: str | None = None,
) -> None:
    """A live offer ends without a call: the caller waits again, the agent goes to `presence`."""
    offer.status, offer.ended_at = status, now
    metrics.offer_ended(status)
    if offer.entry.status == OFFERED:
        offer.entry.status = WAITING
    if presence is not None and offer.agent.presence == RINGING:
        set_presence(offer.agent, presence, now, note)
