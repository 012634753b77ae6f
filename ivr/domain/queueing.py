"""Who goes first: the order of waiting callers, their positions and an honest expected wait.

Category 1 before 2 before 3 before 4; a question after incidents of the same urgency; then the
longest wait. An agent is offered the first caller in that order who speaks one of the agent's
languages, and the position a caller hears counts the callers of their language ahead of them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

UNCLASSIFIED_CATEGORY = 2  # an incident whose caller gave up in the menus: urgent, not first
QUESTION_CATEGORY = 4  # a question (or standard change) ranks with category 4, after incidents


@dataclass(frozen=True)
class Waiting:
    """A caller waiting for an agent (on the line, or for a callback that keeps their place)."""

    key: int
    language: str
    kind: str  # incident | question | standard_change
    category: int | None
    since: datetime
    desk: str = ""  # the desk the caller dialled (issue 26); "" on a line of one desk


def urgency(caller: Waiting, question_category: int = QUESTION_CATEGORY) -> tuple[int, int]:
    if caller.kind != "incident":  # a question or a standard change: a request, not a failure
        return question_category, 1
    return (caller.category or UNCLASSIFIED_CATEGORY), 0


def in_order(
    waiting: Iterable[Waiting], question_category: int = QUESTION_CATEGORY
) -> list[Waiting]:
    """Most urgent first, then the longest waiting; the key breaks ties the same way every time."""
    return sorted(waiting, key=lambda w: (urgency(w, question_category), w.since, w.key))


def next_for(
    languages: Iterable[str],
    waiting: Iterable[Waiting],
    question_category: int = QUESTION_CATEGORY,
) -> Waiting | None:
    """The caller to offer an agent who speaks `languages`, or None."""
    spoken = set(languages)
    for caller in in_order(waiting, question_category):
        if caller.language in spoken:
            return caller
    return None


@dataclass(frozen=True)
class FreeAgent:
    key: int
    languages: tuple[str, ...]
    free_since: datetime
    desks: frozenset[str] | None = None  # the desks the agent serves; None: every desk

    def serves(self, caller: Waiting) -> bool:
        return caller.language in self.languages and (
            self.desks is None or caller.desk in self.desks
        )


def next_pair(
    agents: Iterable[FreeAgent],
    waiting: Iterable[Waiting],
    question_category: int = QUESTION_CATEGORY,
) -> tuple[FreeAgent, Waiting] | None:
    """The next offer: the first caller in the order whom a free agent can serve (their
    language, their desk), and of those agents the one who speaks the fewest languages (keeping
    the multilingual free for callers only they can serve), then the one free longest. The order
    runs over every desk: an agent of several desks gets the most urgent caller of all of them."""
    free = list(agents)
    for caller in in_order(waiting, question_category):
        able = [a for a in free if a.serves(caller)]
        if able:
            return min(able, key=lambda a: (len(a.languages), a.free_since, a.key)), caller
    return None


def position(
    caller: Waiting, waiting: Iterable[Waiting], question_category: int = QUESTION_CATEGORY
) -> int:
    """1 for the next caller of this language and desk; callers of other languages or other
    desks do not count."""
    same = [
        w
        for w in in_order(waiting, question_category)
        if w.language == caller.language and w.desk == caller.desk
    ]
    keys = [w.key for w in same]
    return keys.index(caller.key) + 1 if caller.key in keys else len(same) + 1


def told_position(current: int, told_before: int | None) -> int:
    """Never tell a caller a higher number than before.

    A more urgent caller arriving later goes ahead, so the true position can rise; hearing
    "you are number 3" after "number 2" breaks trust. The caller hears the lower number until the
    true position falls below it; the expected wait is always computed from the true position.
    """
    return current if told_before is None else min(current, told_before)


def mean_handling(durations: Sequence[float], default: float) -> float:
    """Seconds an agent spends per call: the line's own measurements, the default until there are
    enough of them (five) to say something."""
    if len(durations) < 5:
        return default
    return sum(durations) / len(durations)


NOW = timedelta(0)  # an agent is being called for the caller: no minutes to announce


def expected_wait(
    position: int,
    agents: int,
    handling_seconds: float,
    *,
    free: int = 0,
    being_called: bool = False,
) -> timedelta | None:
    """How long until this caller is connected: the first `free` callers go to the agents free
    now, the rest are served `agents` at a time as calls end.

    `NOW` when an agent's phone rings for the caller, or a free agent is there for them; None
    when no agent who speaks the language is on duty: there is no honest estimate.
    """
    if being_called or (agents > 0 and position <= free):
        return NOW
    if agents <= 0:
        return None
    rounds = math.ceil((position - free) / agents)
    # On average the agent who frees up next is halfway through a call.
    seconds = (rounds - 1) * handling_seconds + handling_seconds / 2
    return timedelta(seconds=round(seconds))


def spoken_minutes(wait: timedelta) -> int:
    """Whole minutes to announce, rounded up: "about 4 minutes" for 3 min 10 s; at least 1."""
    return max(1, math.ceil(wait.total_seconds() / 60))


def passes_closing(now: datetime, wait: timedelta | None, closes_at: datetime | None) -> bool:
    """True when the expected wait ends after the desk closes (callbacks could not be made)."""
    return wait is not None and closes_at is not None and now + wait > closes_at
