"""Checks that count rows (at most 24 windows a year, no two closures on one day) need the rows
to stay put between the count and the insert: one writer of the table at a time."""

from __future__ import annotations

from sqlalchemy import false, text, update
from sqlalchemy.orm import Session

from ivr.db import Base


def write_exclusively(session: Session, model: type[Base]) -> None:
    """Until this transaction ends no other transaction writes `model`'s table; readers go on.

    Call it before reading what the check counts. On PostgreSQL a table lock that conflicts with
    itself and with inserts; on SQLite a write statement, which takes the database's write lock
    for the rest of the transaction.
    """
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE"))
    else:
        session.execute(update(table).where(false()).values(id=table.c.id))
