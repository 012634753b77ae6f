"""The wall board: agents and their presence, callers waiting per desk and language in order,
callbacks."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.domain import queueing
from ivr.models import Agent, QueueEntry
from ivr.services.presence import LABELS, WRAP_UP, free_since
from ivr.services.queue import IN_QUEUE, QueueSettings, as_waiting
from ivr.services.roles import Scope
from ivr.services.scoped import agent_within, within


@dataclass(frozen=True)
class AgentRow:
    name: str
    presence: str
    languages: str
    note: str | None
    since: datetime | None


@dataclass(frozen=True)
class CallerRow:
    position: int
    language: str
    what: str  # "category 1", "question", "unclassified"
    status: str  # waiting | offered (an agent's phone rings)
    mode: str  # line | callback
    since: datetime
    waited_minutes: int
    desk: str = ""  # the desk the caller dialled (issue 26); positions count per desk


@dataclass(frozen=True)
class WallBoard:
    agents: list[AgentRow]
    callers: list[CallerRow]

    @property
    def callbacks(self) -> int:
        return sum(1 for c in self.callers if c.mode == "callback")

    def as_json(self) -> dict[str, Any]:
        def plain(row: Any) -> dict[str, Any]:
            values = asdict(row)
            return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}

        return {
            "agents": [plain(a) for a in self.agents],
            "callers": [plain(c) for c in self.callers],
            "callbacks": self.callbacks,
        }


def wall_board(
    session: Session, settings: QueueSettings, now: datetime, desks: Scope = None
) -> WallBoard:
    """The board of `desks` (None: every desk): their agents and the callers waiting for them."""
    agents = []
    for agent in session.scalars(select(Agent).where(agent_within(desks)).order_by(Agent.name)):
        presence = agent.presence
        ended = free_since(agent, settings.wrap_up_seconds)
        if presence == WRAP_UP and ended is not None and ended <= now:
            presence = "available"  # wrap-up is over; the next dispatch will see it so too
        agents.append(
            AgentRow(
                agent.name,
                LABELS.get(presence, presence),
                agent.languages,
                agent.presence_note,
                agent.presence_since,
            )
        )
    entries = list(
        session.scalars(
            select(QueueEntry).where(
                QueueEntry.status.in_(IN_QUEUE), within(QueueEntry.desk, desks)
            )
        )
    )
    waiting = [as_waiting(e) for e in entries]
    by_id = {e.id: e for e in entries}
    callers = []
    for w in queueing.in_order(waiting, settings.question_category):
        entry = by_id[w.key]
        callers.append(
            CallerRow(
                queueing.position(w, waiting, settings.question_category),
                entry.language,
                _what(entry),
                entry.status,
                entry.mode,
                entry.enqueued_at,
                int((now - entry.enqueued_at).total_seconds() // 60),
                entry.desk,
            )
        )
    return WallBoard(agents, callers)


def _what(entry: QueueEntry) -> str:
    if entry.kind != "incident":
        return entry.kind.replace("_", " ")  # question | standard change
    return f"category {entry.category}" if entry.category else "unclassified"
