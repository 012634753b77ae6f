"""Agent presence: available, ringing, on a call, wrap-up or away.

Calls change it by themselves (ivr/services/dispatch.py); people change it by hand between
available and away (console, CLI, or the agent calling the line: ivr/voice/agent_phone.py).
`on_duty` stays in step: an agent is on duty unless away.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from ivr.models import Agent

AVAILABLE, RINGING, ON_CALL, WRAP_UP, AWAY = "available", "ringing", "on_call", "wrap_up", "away"
PRESENCES = (AVAILABLE, RINGING, ON_CALL, WRAP_UP, AWAY)
BY_HAND = (AVAILABLE, AWAY)
LABELS = {
    AVAILABLE: "available",
    RINGING: "ringing",
    ON_CALL: "on a call",
    WRAP_UP: "wrap-up",
    AWAY: "away",
}


class PresenceError(ValueError):
    """A presence change that cannot be made, with the reason."""


def set_presence(agent: Agent, presence: str, now: datetime, note: str | None = None) -> None:
    """Change `agent` in the caller's transaction (the caller commits)."""
    agent.presence = presence
    agent.presence_since = now
    agent.presence_note = note
    agent.on_duty = presence != AWAY


def change_by_hand(
    session: Session, agent: Agent, presence: str, now: datetime, note: str | None = None
) -> Agent:
    """One click in the console or one command: available or away. Commits."""
    if presence not in BY_HAND:
        raise PresenceError(f"by hand an agent is {' or '.join(BY_HAND)}, not {presence!r}")
    if presence == AVAILABLE and agent.presence in (RINGING, ON_CALL):
        raise PresenceError(f"{agent.name} is {LABELS[agent.presence]}: that ends by itself")
    if agent.presence != presence:
        set_presence(agent, presence, now, note)
    session.commit()
    return agent


def change_by_phone(session: Session, agent: Agent, presence: str, now: datetime) -> Agent:
    """The agent logged in (available) or out (away) by calling the line. Commits.

    Refused while the line has them ringing or on a call: that ends by itself.
    """
    if presence not in BY_HAND:
        raise PresenceError(f"by phone an agent is {' or '.join(BY_HAND)}, not {presence!r}")
    if agent.presence in (RINGING, ON_CALL):
        raise PresenceError(f"{agent.name} is {LABELS[agent.presence]}: that ends by itself")
    note = "logged in by phone" if presence == AVAILABLE else "logged out by phone"
    set_presence(agent, presence, now, note=note)
    session.commit()
    return agent


def agent_by_number(session: Session, number: str) -> Agent | None:
    """The agent whose phone is `number` (E.164), if any: one indexed look-up."""
    return session.scalar(select(Agent).where(Agent.address == number))


def find_agent(session: Session, name: str) -> Agent:
    agent = session.scalar(select(Agent).where(Agent.name == name))
    if agent is None:
        raise PresenceError(f"no agent named {name!r}")
    return agent


def free_now(now: datetime, wrap_up_seconds: int) -> ColumnElement[bool]:
    """Agents who can take an offer: available, or in a wrap-up that is over."""
    done = now - timedelta(seconds=wrap_up_seconds)
    return or_(
        Agent.presence == AVAILABLE, and_(Agent.presence == WRAP_UP, Agent.presence_since <= done)
    )


def free_since(agent: Agent, wrap_up_seconds: int) -> datetime | None:
    """When `agent` became free: the start of availability, or the end of wrap-up."""
    if agent.presence_since is None:
        return None
    if agent.presence == WRAP_UP:
        return agent.presence_since + timedelta(seconds=wrap_up_seconds)
    return agent.presence_since


def release_wrap_up(session: Session, now: datetime, wrap_up_seconds: int) -> int:
    """Agents whose wrap-up time is over become available; how many did."""
    done = now - timedelta(seconds=wrap_up_seconds)
    result = session.execute(
        update(Agent)
        .where(Agent.presence == WRAP_UP, Agent.presence_since <= done)
        .values(presence=AVAILABLE, presence_since=now, presence_note=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]
