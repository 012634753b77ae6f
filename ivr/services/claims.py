"""A state change made once: a conditional UPDATE that only the first of parallel requests wins."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, update
from sqlalchemy.orm import Session

from ivr.db import Base


def claim(session: Session, row: Base, condition: ColumnElement[bool], **values: Any) -> bool:
    """Set `values` on `row` only where `condition` still holds in the database; True when this
    request changed it (a parallel one that got there first leaves it False)."""
    table = type(row)
    result = session.execute(
        update(table)
        .where(table.id == row.id, condition)  # type: ignore[attr-defined]
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.expire(row, list(values))
    return bool(result.rowcount)  # type: ignore[attr-defined]
