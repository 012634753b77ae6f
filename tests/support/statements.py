"""Counts what a webhook costs the database, with SQLAlchemy's own events (never a stopwatch).

Statements are cursor executions; begins, commits and rollbacks are the connection's
transactions; checkouts are connections taken from the pool, and pings the pre-ping round trips
they cost (one a checkout of a pooled connection when `pool_pre_ping` is on). On PostgreSQL every
one of these is a round trip to the server (psycopg sends BEGIN on its own).

A connection in autocommit sends neither BEGIN nor COMMIT: each statement that writes is a
transaction of its own, committed by the server; it counts as a commit (a transaction that
writes) and as an autocommit, and costs no round trip beyond the statement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from ivr.phone.transport import Form, Reply, Transport

KINDS = ("statements", "begins", "commits", "autocommits", "rollbacks", "checkouts", "pings")


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def round_trips(self) -> int:
        """On PostgreSQL: every statement, transaction boundary and ping goes to the server."""
        return (
            sum(self.counts[k] for k in ("statements", "begins", "commits", "rollbacks", "pings"))
            - self.counts["autocommits"]
        )

    @property
    def transactions(self) -> int:
        return self.counts["commits"]


@contextmanager
def counting(engine: Engine) -> Iterator[Tally]:
    """Counts everything `engine` does while the block runs."""
    tally = Tally()
    pre_ping = bool(getattr(engine.pool, "_pre_ping", False))
    fresh: set[int] = set()

    def statement(connection: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        tally.counts["statements"] += 1
        if connection._is_autocommit_isolation() and sql.lstrip()[:6].upper() != "SELECT":
            tally.counts["commits"] += 1
            tally.counts["autocommits"] += 1

    def begin(connection: Any) -> None:
        if not connection._is_autocommit_isolation():  # else no BEGIN goes to the server
            tally.counts["begins"] += 1

    def commit(connection: Any) -> None:
        if not connection._is_autocommit_isolation():  # else no COMMIT goes to the server
            tally.counts["commits"] += 1

    def rollback(_connection: Any) -> None:
        tally.counts["rollbacks"] += 1

    def connect(dbapi_connection: Any, _record: Any) -> None:
        fresh.add(id(dbapi_connection))  # a new connection is not pinged on its first checkout

    def checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        tally.counts["checkouts"] += 1
        if pre_ping and id(dbapi_connection) not in fresh:
            tally.counts["pings"] += 1
        fresh.discard(id(dbapi_connection))

    listeners = [
        (engine, "before_cursor_execute", statement),
        (engine, "begin", begin),
        (engine, "commit", commit),
        (engine, "rollback", rollback),
        (engine.pool, "connect", connect),
        (engine.pool, "checkout", checkout),
    ]
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    try:
        yield tally
    finally:
        for target, name, fn in listeners:
            event.remove(target, name, fn)


@dataclass
class CountedTransport:
    """A transport that remembers, per webhook path, what each request cost the database."""

    inner: Transport
    tally: Tally
    per_webhook: list[tuple[str, Counter[str]]] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.inner.base_url

    def post(self, url: str, form: Form, headers: Mapping[str, str] | None = None) -> Reply:
        before = Counter(self.tally.counts)
        reply = self.inner.post(url, form, headers)
        used = Counter(self.tally.counts)
        used.subtract(before)
        self.per_webhook.append((url.split("?", maxsplit=1)[0], +used))
        return reply
