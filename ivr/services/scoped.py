"""Rows within the desks someone may see (issue 26): the desk filter every list and lookup adds
to its query, so another desk's rows never leave the database for them."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, exists, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from ivr.models import Agent, AgentDesk
from ivr.services.roles import Scope

Row = TypeVar("Row")


def within(column: InstrumentedAttribute[str], desks: Scope) -> ColumnElement[bool]:
    """`column IN desks`, or no condition for None (an admin over every desk)."""
    return true() if desks is None else column.in_(tuple(desks))


def row(session: Session, model: type[Row], row_id: int, desks: Scope) -> Row | None:
    """A row by id if it is in one of `desks` (the model has `id` and `desk`)."""
    m: Any = model
    return session.scalar(select(model).where(m.id == row_id, within(m.desk, desks)))


def agent_within(desks: Scope) -> ColumnElement[bool]:
    """An agent answers for one of `desks` (agent_desks)."""
    if desks is None:
        return true()
    return exists().where(AgentDesk.agent_id == Agent.id, AgentDesk.desk.in_(tuple(desks)))


def agent(session: Session, agent_id: int, desks: Scope) -> Agent | None:
    return session.scalar(select(Agent).where(Agent.id == agent_id, agent_within(desks)))


def agents(session: Session, desks: Scope) -> list[Agent]:
    return list(session.scalars(select(Agent).where(agent_within(desks)).order_by(Agent.name)))
