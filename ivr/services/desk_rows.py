"""Which desks' rows one connector takes (issue 28, a ticket system per desk).

A desk with its own ticket system (DESKS_FILE) takes only its rows; the environment's connector
takes every other desk's, a desk no longer declared included, as it took every row before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, true


@dataclass(frozen=True)
class DeskRows:
    only: tuple[str, ...] | None = None  # these desks' rows; None: any desk's
    others: tuple[str, ...] = ()  # but never these desks' (they have their own connector)

    def where(self, column: Any) -> Any:
        clauses = []
        if self.only is not None:
            clauses.append(column.in_(self.only))
        if self.others:
            clauses.append(column.not_in(self.others))
        return and_(true(), *clauses)

    def holds(self, desk: str) -> bool:
        return (self.only is None or desk in self.only) and desk not in self.others


EVERY = DeskRows()
