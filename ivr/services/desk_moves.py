"""Moving a desk's rows to another desk (issue 26): how a line of one desk becomes several.

Every row of a line without DESKS_FILE is in the desk `default`; `flask --app app desks move
default ozmo` puts them in the desk the operator declared for them. Every table with a `desk`
column takes part, in one transaction.
"""

from __future__ import annotations

from sqlalchemy import Table, and_, delete, exists, select, update
from sqlalchemy.orm import Session

from ivr.db import Base


class MoveError(ValueError):
    """The move cannot be made as asked."""


def desk_tables() -> list[Table]:
    """Every table with a desk column, in the metadata's order."""
    return [t for t in Base.metadata.sorted_tables if "desk" in t.c]


def move_desk(session: Session, old: str, new: str) -> dict[str, int]:
    """Every row of desk `old` into desk `new`; how many rows moved per table. Where the desk is
    part of the key (an agent's desks, a user's or token's roles), a row `new` has already
    stands and the `old` one goes."""
    if old == new:
        raise MoveError(f"desk {old!r} is already {new!r}")
    if "*" in (old, new):
        raise MoveError("'*' (an admin's every desk) is not a desk")
    moved: dict[str, int] = {}
    for table in desk_tables():
        if table.c.desk.primary_key:
            others = [c for c in table.primary_key.columns if c.name != "desk"]
            twin = table.alias("twin")
            taken = exists(
                select(twin.c.desk).where(
                    twin.c.desk == new, *[twin.c[c.name] == c for c in others]
                )
            )
            session.execute(delete(table).where(and_(table.c.desk == old, taken)))
        result = session.execute(update(table).where(table.c.desk == old).values(desk=new))
        moved[table.name] = result.rowcount or 0
    session.commit()
    return moved
