"""What every call announces: maintenance windows and the active disruption, read in one statement.

Read on every call's `announce` webhook and cached per process (`AnnouncementCache`); a commit
that changes a window or a disruption in this process makes the cache read again at once.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import CompoundSelect, bindparam, event, literal, select, union_all
from sqlalchemy.orm import Session

from ivr.models import DEFAULT_DESK, Disruption, MaintenanceWindow


@dataclass(frozen=True)
class Announced:
    """What callers hear of the active disruption: plain values, safe to keep across requests."""

    id: int
    text_nl: str
    text_de: str


@dataclass(frozen=True)
class Window:
    """A maintenance window as the call flow announces it."""

    starts_at: datetime
    ends_at: datetime
    description_nl: str
    description_de: str


Found = tuple[list[Window], Announced | None]
NOTHING: Found = ([], None)


def announcements(session: Session, now: datetime, desk: str = DEFAULT_DESK) -> Found:
    """A desk's maintenance windows still to come or running, and its newest active disruption:
    what the call flow announces."""
    return announcements_by_desk(session, now).get(desk, NOTHING)


def announcements_by_desk(session: Session, now: datetime) -> dict[str, Found]:
    """What each desk announces, every desk's read in one statement (every call asks)."""
    rows = session.execute(_ANNOUNCEMENTS, {"now": now}).all()
    by_desk: dict[str, list[Any]] = {}
    for row in rows:
        by_desk.setdefault(row[6], []).append(row)
    return {desk: _announced(desk_rows) for desk, desk_rows in by_desk.items()}


def _announced(rows: list[Any]) -> Found:
    found = sorted((r for r in rows if r[0] == "window"), key=lambda r: r[2])
    known = max((r for r in rows if r[0] == "disruption"), key=lambda r: (r[2], r[1]), default=None)
    return (
        [Window(r[2], r[3], r[4], r[5]) for r in found],
        Announced(known[1], known[4], known[5]) if known else None,
    )


class _Read(NamedTuple):
    changes: int  # `_changes` when it was read
    wall: float  # time.monotonic() then
    at: datetime  # the app's clock then
    found: dict[str, Found]  # per desk


class AnnouncementCache:
    """What `announcements` read, reused for up to `seconds` per process (0: read every time).

    Every call's `announce` webhook asks, and windows and disruptions change a few times a
    month. A change committed in this process (the console, the CLI) is seen at once; one made
    by another worker within `seconds`. The app's clock must not have gone back, nor moved on
    by `seconds`, since the read.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._read: _Read | None = None

    def get(
        self, session: Session, now: datetime, desk: str = DEFAULT_DESK
    ) -> tuple[list[Window], Announced | None]:
        """What `desk` announces. Every desk's are read in one statement and kept together, so
        the desks of a line share one cache and many desks cost no more reads than one."""
        read, wall = self._read, time.monotonic()
        if (
            read is None
            or read.changes != _changes[0]
            or wall - read.wall >= self.seconds
            or not 0 <= (now - read.at).total_seconds() < self.seconds
        ):
            changes = _changes[0]  # before reading: a change committed meanwhile forces a re-read
            read = _Read(changes, wall, now, announcements_by_desk(session, now))
            if self.seconds > 0:
                self._read = read  # one assignment: safe across threads
        windows, known = read.found.get(desk, NOTHING)
        return list(windows), known


_changes = [0]  # counts commits in this process that changed a window or a disruption
_CHANGED = "ivr.announcements_changed"


@event.listens_for(Session, "before_flush")
def _note_change(session: Session, _context: Any, _instances: Any) -> None:
    touched = itertools.chain(session.new, session.dirty, session.deleted)
    if any(isinstance(row, MaintenanceWindow | Disruption) for row in touched):
        session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _forget_announcements(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        _changes[0] += 1


@event.listens_for(Session, "after_rollback")
def _nothing_changed(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def _announcements_statement() -> CompoundSelect:
    """Built once, on the tables (not the mapped classes): only `now` changes per call."""
    windows, running = MaintenanceWindow.__table__.c, Disruption.__table__.c
    now = bindparam("now")
    return union_all(
        select(
            literal("window").label("kind"),
            windows.id,
            windows.starts_at,
            windows.ends_at,
            windows.description_nl,
            windows.description_de,
            windows.desk,
        ).where(windows.ends_at > now),
        select(
            literal("disruption"),
            running.id,
            running.started_at,
            running.started_at,
            running.text_nl,
            running.text_de,
            running.desk,
        ).where(running.ended_at.is_(None), running.started_at <= now),
    )


_ANNOUNCEMENTS = _announcements_statement()


def note_changed(session: Session) -> None:
    """A change made outside the ORM (an UPDATE): every cache reads again after the commit."""
    session.info[_CHANGED] = True
