"""Wrap-up after a call (issue 27): the agent says how the call ended, and the incident follows.

A disposition and an optional note go into the incident's history, and set its state with the
services the console already uses: solved on the call resolves it (the caller gets the
resolution message, as when anyone resolves it), a question answered resolves it without a
message (the caller had their answer on the phone), follow-up by the desk and passed on to a
second line keep it acknowledged and open on the work list. "Ready" ends the wrap-up early;
WRAP_UP_SECONDS stays the limit (ivr/services/presence.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.domain.explained import Explained
from ivr.models import Agent, Incident, Offer
from ivr.services import console
from ivr.services.history import add_event
from ivr.services.messages import Messaging
from ivr.services.presence import AVAILABLE, WRAP_UP, set_presence

SOLVED, FOLLOW_UP, SECOND_LINE, QUESTION = "solved", "follow_up", "second_line", "question"
DISPOSITIONS = (SOLVED, FOLLOW_UP, SECOND_LINE, QUESTION)
EVENT_PREFIX = "wrap_up_"  # the history entry's kind: wrap_up_solved, wrap_up_follow_up, ...
MAX_NOTE = 480


class WrapUpError(Explained):
    """A wrap-up that cannot be saved; the message says why."""


@dataclass(frozen=True)
class WrapUp:
    """The call the agent is wrapping up: its offer and incident, and whether it is saved."""

    offer_id: int
    incident: Incident
    saved: str | None  # the disposition saved in this wrap-up, if any


def current(session: Session, agent: Agent, username: str) -> WrapUp | None:
    """The agent's last call with an incident, while they are in wrap-up; None otherwise."""
    if agent.presence != WRAP_UP:
        return None
    offer = session.scalar(
        select(Offer)
        .where(Offer.agent_id == agent.id, Offer.status.in_(("accepted", "done")))
        .order_by(Offer.id.desc())
        .limit(1)
    )
    if offer is None or not offer.entry.reference:
        return None
    incident = console.find(session, offer.entry.reference)
    if incident is None:
        return None
    since = offer.accepted_at or offer.created_at
    saved = [
        e.kind.removeprefix(EVENT_PREFIX)
        for e in incident.history
        if e.kind.startswith(EVENT_PREFIX) and e.author == username and e.at >= since
    ]
    return WrapUp(offer.id, incident, saved[-1] if saved else None)


def record(
    session: Session,
    incident: Incident,
    disposition: str,
    note: str,
    *,
    who: str,
    now: datetime,
    messaging: Messaging | None,
) -> None:
    """Save the disposition and the note, and set the incident's state. Commits."""
    if disposition not in DISPOSITIONS:
        raise WrapUpError("Choose how the call ended.")
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        raise WrapUpError("A note is at most %(most)d characters.", most=MAX_NOTE)
    if disposition == SOLVED:
        console.resolve(session, incident, who, now, messaging)  # the caller is told
    elif disposition == QUESTION:
        console.resolve(session, incident, who, now, None)  # answered on the phone already
    else:
        console.acknowledge(session, incident, who, now)  # stays on the work list
    add_event(session, incident, EVENT_PREFIX + disposition, now, author=who, text=note or None)
    incident.updated_at = now
    session.commit()


def ready(session: Session, agent: Agent, now: datetime) -> bool:
    """The agent ends their wrap-up early: available for the next call. Commits."""
    if agent.presence != WRAP_UP:
        return False
    set_presence(agent, AVAILABLE, now, "ready after wrap-up")
    session.commit()
    return True


def incident_of(session: Session, reference: str) -> Incident | None:
    return session.scalar(select(Incident).where(Incident.reference == reference))
