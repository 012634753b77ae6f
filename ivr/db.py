"""Database plumbing: a base with stable constraint names, the engine, a session per request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

if TYPE_CHECKING:
    from flask import Flask

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, timeout_seconds: float = 3.0) -> Engine:
    """An engine whose every call is bounded in time, so a slow database cannot stall Twilio."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": timeout_seconds})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    millis = int(timeout_seconds * 1000)
    return create_engine(
        url,
        # One round trip a checkout, so the first caller after a PostgreSQL restart or failover
        # is not the one who finds the pooled connections dead.
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        pool_timeout=timeout_seconds,
        connect_args={
            "connect_timeout": max(1, int(timeout_seconds)),
            "options": f"-c statement_timeout={millis} -c lock_timeout={millis}",
        },
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets gunicorn workers read while one writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    """The engine and session factory of one app."""

    def __init__(self, url: str, timeout_seconds: float = 3.0) -> None:
        self.url = url
        self.engine = make_engine(url, timeout_seconds)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        _fail_fast_within_a_request(self.engine)

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))


def _fail_fast_within_a_request(engine: Engine) -> None:
    """After one database error in a request, the rest of that request does not wait again.

    A webhook makes several small database calls; each is bounded by DB_TIMEOUT_SECONDS, but a
    locked or vanished database would make the caller wait that long for every one of them.
    """

    @event.listens_for(engine, "handle_error")
    def _remember(context: Any) -> None:
        from flask import g, has_request_context

        # A failed pre-ping is a stale pooled connection that the pool replaces, not a failure.
        if has_request_context() and not context.is_pre_ping:
            g.database_failed = True

    @event.listens_for(engine, "engine_connect")
    def _skip(_connection: Any) -> None:
        from flask import g, has_request_context

        if has_request_context() and g.get("database_failed"):
            raise OperationalError("skipped", None, Exception("database failed earlier in request"))


def init_app(app: Flask) -> Database:
    from flask import g

    database = Database(app.config["DATABASE_URL"], app.config["DB_TIMEOUT_SECONDS"])
    app.extensions["ivr.db"] = database

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    return database


def get_database() -> Database:
    from flask import current_app

    return current_app.extensions["ivr.db"]


def get_session() -> Session:
    """The session of the current request, opened lazily."""
    from flask import g

    if "db_session" not in g:
        g.db_session = get_database().sessions()
    return g.db_session
