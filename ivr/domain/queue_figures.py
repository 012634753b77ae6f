"""The service-level report's queue part: how each caller's wait ended, and the waits' figures.

Queue figures count the callers who joined the queue in the period. A wait is wall-clock time
on the line (callers wait in real time, not in opening time): from joining the queue until an
agent took the call, the caller left it (hung up, chose a report or a callback, or the line took
them out), whichever came first. Callers still waiting when the report is made have no wait yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from ivr.domain.figures import median, p90, percent


class QueueOutcome(StrEnum):
    """How a caller's wait in the queue ended; every caller who joined has exactly one."""

    AGENT = "agent"  # an agent took the call while the caller waited on the line
    CALLBACK = "callback"  # chose a callback that keeps the place, and hung up
    REPORT = "report"  # chose to leave a report instead of waiting
    TAKEN_OUT = "taken_out"  # waited the longest allowed, no agent left, or a fault: a report
    ABANDONED = "abandoned"  # hung up while waiting
    WAITING = "waiting"  # still waiting when the report was made


class CallbackResult(StrEnum):
    REACHED = "reached"  # an agent called the caller back and the caller answered
    REPORT = "report"  # not reached (attempts used up, or the desk closed): an open report
    PENDING = "pending"  # still to be made when the report was made


@dataclass(frozen=True)
class QueueFacts:
    joined_at: datetime
    language: str
    outcome: QueueOutcome
    left_at: datetime | None = None  # the wait on the line ended; None while still waiting
    callback: CallbackResult | None = None  # for a callback: what became of it


@dataclass
class QueueFigures:
    """The queue's figures for one language, or for all (`language` None)."""

    language: str | None
    joined: int = 0
    outcomes: dict[QueueOutcome, int] = field(
        default_factory=lambda: dict.fromkeys(QueueOutcome, 0)
    )
    callbacks: dict[CallbackResult, int] = field(
        default_factory=lambda: dict.fromkeys(CallbackResult, 0)
    )
    waits: list[timedelta] = field(default_factory=list)

    @property
    def wait_median(self) -> timedelta | None:
        return median(self.waits)

    @property
    def wait_p90(self) -> timedelta | None:
        return p90(self.waits)

    @property
    def abandoned_pct(self) -> float | None:
        return percent(self.outcomes[QueueOutcome.ABANDONED], self.joined)

    @property
    def callbacks_requested(self) -> int:
        return self.outcomes[QueueOutcome.CALLBACK]

    def count(self, caller: QueueFacts) -> None:
        self.joined += 1
        self.outcomes[caller.outcome] += 1
        if caller.outcome is QueueOutcome.CALLBACK:
            self.callbacks[caller.callback or CallbackResult.PENDING] += 1
        if caller.left_at is not None and caller.outcome is not QueueOutcome.WAITING:
            self.waits.append(max(caller.left_at - caller.joined_at, timedelta(0)))


@dataclass(frozen=True)
class QueueReport:
    total: QueueFigures
    languages: list[QueueFigures]  # one per language of the callers who joined, alphabetical


def queue_figures(callers: Iterable[QueueFacts]) -> QueueReport:
    total = QueueFigures(None)
    languages: dict[str, QueueFigures] = {}
    for caller in callers:
        total.count(caller)
        languages.setdefault(caller.language, QueueFigures(caller.language)).count(caller)
    return QueueReport(total, [languages[lang] for lang in sorted(languages)])
