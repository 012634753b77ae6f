"""Repairs what a crash or a lost Twilio callback leaves behind, then dispatches.

Run every few seconds by `flask --app app queue run` (a sidecar like the outbox deliverer); each
pass is idempotent, so several sweepers may run at once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.models import Agent, Offer, QueueEntry
from ivr.services import softphone
from ivr.services.desk import Desk
from ivr.services.desks import Desks
from ivr.services.dispatch import LIVE_OFFER, Dispatcher, end_offer
from ivr.services.offers import desk_of, to_report
from ivr.services.presence import AVAILABLE, AWAY, ON_CALL, RINGING, WRAP_UP, set_presence
from ivr.services.queue import IN_QUEUE, LEFT, WAITING, QueueSettings
from ivr.twilio_rest import TwilioUnavailable

log = logging.getLogger(__name__)

CALL_SID = re.compile(r"^CA[0-9a-f]{32}$")  # the line names each caller's queue after their call
PLACING_GRACE = timedelta(seconds=30)  # a claim whose call was never placed (a crash mid-dispatch)
CALLBACK_GRACE = timedelta(seconds=60)  # Twilio's status callback may come a little late


@dataclass
class Swept:
    repaired: list[str] = field(default_factory=list)
    offered: list[int] = field(default_factory=list)
    hang_up: list[str] = field(default_factory=list)
    queues_deleted: list[str] = field(default_factory=list)


def sweep(
    line: Dispatcher,
    desk: Desk,
    now: datetime,
    *,
    desk_open: bool,
    tidy_queues: bool = False,
    open_desks: Collection[str] | None = None,
) -> Swept:
    """One pass: repair, then dispatch while the desk is open; with `tidy_queues`, delete the
    empty Twilio queues of callers who left.

    `open_desks` (a line of several desks, with `line.desks`): the keys of the desks open now;
    the callbacks of the others become reports, each with its own desk."""
    swept = Swept()
    with line.database.sessions.begin() as session:
        _offers(session, line, desk, now, swept)
        _callers(session, line.settings, now, swept)
        _agents(session, line.settings, now, swept)
        for name in softphone.set_dead_tabs_away(
            session, now, line.settings.softphone_grace_seconds
        ):  # issue 27: a browser agent whose softphone went silent
            swept.repaired.append(f"{name} away: softphone not registered")
        if open_desks is not None and line.desks is not None:
            _callbacks_of_closed_desks(session, line.desks, open_desks, now, swept)
        elif not desk_open:
            _callbacks_to_reports(session, desk, now, swept)
    for call_sid in swept.hang_up:
        with suppress(TwilioUnavailable):
            line.rest.hang_up(call_sid)
    for repaired in swept.repaired:
        log.info("sweeper: %s", repaired)
    if desk_open:
        swept.offered = line(now)
    if tidy_queues:
        swept.queues_deleted = delete_empty_queues(line)
    return swept


def delete_empty_queues(line: Dispatcher) -> list[str]:
    """Twilio keeps every queue `<Enqueue>` made, empty ones too: delete the line's own (named
    after a caller's CallSid) once that caller is no longer waiting. Others are left alone."""
    try:
        empty = {
            q.name: q.sid for q in line.rest.queues() if q.size == 0 and CALL_SID.match(q.name)
        }
    except TwilioUnavailable:
        return []
    if not empty:
        return []
    with line.database.sessions.begin() as session:
        done = set(
            session.scalars(
                select(QueueEntry.call_sid).where(
                    QueueEntry.call_sid.in_(list(empty)), QueueEntry.status.not_in(IN_QUEUE)
                )
            )
        )
    deleted = []
    for name in sorted(done):
        try:
            line.rest.delete_queue(empty[name])
        except TwilioUnavailable:
            continue  # not empty after all (a caller joined it again), or Twilio is down
        deleted.append(name)
    return deleted


def _offers(session: Session, line: Dispatcher, desk: Desk, now: datetime, swept: Swept) -> None:
    """Offers never placed (a crash mid-dispatch) or never answered (a lost status callback)."""
    ring = timedelta(seconds=line.settings.ring_seconds)
    for offer in session.scalars(select(Offer).where(Offer.status.in_(LIVE_OFFER))):
        if offer.status == "placing" and now - offer.created_at > PLACING_GRACE:
            end_offer(session, offer, "failed", now, presence=AVAILABLE)
            swept.repaired.append(f"offer {offer.id} was never placed")
        elif offer.status == "ringing" and now - (offer.placed_at or now) > ring + CALLBACK_GRACE:
            tz = desk_of(line.desks, offer.entry).tz if line.desks is not None else desk.tz
            note = f"missed an offer (no answer) at {now.astimezone(tz):%H:%M}"
            end_offer(session, offer, "missed", now, presence=AWAY, note=note)
            if offer.call_sid:
                swept.hang_up.append(offer.call_sid)
            swept.repaired.append(f"offer {offer.id} was never answered")


def _callers(session: Session, settings: QueueSettings, now: datetime, swept: Swept) -> None:
    """A waiting caller's waitUrl comes back every round; three rounds missed: they are gone."""
    gone_after = timedelta(seconds=3 * (settings.choice_seconds + 60))
    for entry in session.scalars(
        select(QueueEntry).where(QueueEntry.status == WAITING, QueueEntry.mode == "line")
    ):
        if now - entry.last_seen_at > gone_after:
            entry.status, entry.ended_at = LEFT, now
            swept.repaired.append(f"the caller of queue entry {entry.id} was gone")


def _agents(session: Session, settings: QueueSettings, now: datetime, swept: Swept) -> None:
    """Agents ringing or on a call with no offer that says so."""
    busy = set(
        session.scalars(select(Offer.agent_id).where(Offer.status.in_((*LIVE_OFFER, "accepted"))))
    )
    stuck = select(Agent).where(Agent.presence.in_((RINGING, ON_CALL)))
    for agent in session.scalars(stuck):
        since = agent.presence_since or now
        if agent.id not in busy and now - since > timedelta(seconds=settings.ring_seconds):
            was = agent.presence
            set_presence(agent, AVAILABLE if was == RINGING else WRAP_UP, now)
            swept.repaired.append(f"agent {agent.name} was stuck {was}")


def _callbacks_to_reports(session: Session, desk: Desk, now: datetime, swept: Swept) -> None:
    """Callbacks not reached by closing time become reports for the next working day."""
    waiting = select(QueueEntry).where(QueueEntry.status == WAITING, QueueEntry.mode == "callback")
    for entry in session.scalars(waiting):
        to_report(session, desk, entry, now)
        swept.repaired.append(f"callback {entry.id} left as a report (the desk closed)")


def _callbacks_of_closed_desks(
    session: Session, desks: Desks, open_desks: Collection[str], now: datetime, swept: Swept
) -> None:
    """On a line of several desks: the callbacks of each desk closed now become its reports."""
    waiting = select(QueueEntry).where(
        QueueEntry.status == WAITING,
        QueueEntry.mode == "callback",
        QueueEntry.desk.not_in(list(open_desks)),
    )
    for entry in session.scalars(waiting):
        to_report(session, desk_of(desks, entry), entry, now)
        swept.repaired.append(f"callback {entry.id} left as a report (desk {entry.desk} closed)")
