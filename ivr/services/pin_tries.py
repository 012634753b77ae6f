"""Agent PIN tries by phone, counted per calling number over time, as the status check counts.

Three wrong PINs from one number within 24 hours lock that number out of the agent menu until
the oldest of them leaves the window: redialling does not start afresh. The lock ends by itself;
a right PIN before it clears the count. Only a keyed hash of the number is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ivr.models import AgentPinFailure
from ivr.privacy import caller_key

PIN_TRIES = 3
PIN_WINDOW = timedelta(hours=24)


def key_of(number: str, secret: str) -> str:
    return caller_key(number, secret)


def locked_until(session: Session, key: str, now: datetime) -> datetime | None:
    """When the number's lock ends; None when it is not locked."""
    tries = session.scalars(
        select(AgentPinFailure.at)
        .where(AgentPinFailure.caller_key == key, AgentPinFailure.at > now - PIN_WINDOW)
        .order_by(AgentPinFailure.at)
    ).all()
    if len(tries) < PIN_TRIES:
        return None
    return tries[-PIN_TRIES] + PIN_WINDOW  # the count falls below the limit then


def wrong_pin(session: Session, key: str, now: datetime) -> datetime | None:
    """Keep one wrong try (tries older than the window are forgotten); the lock it makes."""
    session.execute(delete(AgentPinFailure).where(AgentPinFailure.at <= now - PIN_WINDOW))
    session.add(AgentPinFailure(caller_key=key, at=now))
    session.commit()
    return locked_until(session, key, now)


def right_pin(session: Session, key: str) -> None:
    session.execute(delete(AgentPinFailure).where(AgentPinFailure.caller_key == key))
    session.commit()


def locks(
    session: Session, numbers: Iterable[tuple[int, str]], secret: str, now: datetime
) -> dict[int, datetime]:
    """For the console: (id, number) pairs whose number is locked, by id, with the lock's end."""
    found = {}
    for ident, number in numbers:
        until = locked_until(session, key_of(number, secret), now)
        if until is not None:
            found[ident] = until
    return found
