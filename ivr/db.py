"""Database plumbing: a base with stable constraint names, the engine, a session per request.

No pooled connection is pinged before use (that is a round trip a webhook). Instead connections
are recycled after `POOL_RECYCLE_SECONDS`, and a session's first statement is tried once more on
a fresh connection when the pooled one turns out dead (PostgreSQL restarted while the line was
quiet): the first caller afterwards is served as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from ivr.telemetry import metrics

if TYPE_CHECKING:
    from flask import Flask

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


POOL_RECYCLE_SECONDS = 300  # well inside the idle limits of firewalls and PgBouncer defaults


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
        # No pre-ping (a round trip a checkout): see RetryFirstStatement.
        pool_recycle=POOL_RECYCLE_SECONDS,
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


class RetryFirstStatement(Session):
    """A session whose first statement is tried again, once, if its pooled connection was dead.

    The first statement is the only one that may be repeated: nothing was done in the
    transaction yet, so repeating it on a new connection changes nothing else. A disconnect
    invalidates the whole pool, so the retry connects afresh; if the database is really down,
    that fails too, and the caller's request goes on as before (spool, fallback).
    """

    _first_done = False

    def _retrying(self, run: Callable[[], Any]) -> Any:
        if self._first_done or self.new or self.dirty or self.deleted:
            return run()
        try:
            return run()
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            self.rollback()
            _forget_failure()  # a stale pooled connection is not the database failing
            return run()
        finally:
            self._first_done = True

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self._retrying(lambda: super(RetryFirstStatement, self).execute(*args, **kwargs))

    def scalar(self, *args: Any, **kwargs: Any) -> Any:
        return self._retrying(lambda: super(RetryFirstStatement, self).scalar(*args, **kwargs))

    def scalars(self, *args: Any, **kwargs: Any) -> Any:
        return self._retrying(lambda: super(RetryFirstStatement, self).scalars(*args, **kwargs))


def _forget_failure() -> None:
    from flask import g, has_request_context

    if has_request_context():
        g.pop("database_failed", None)


def unreachable(exc: BaseException | None) -> bool:
    """The database could not be reached or did not answer in time: try again later.

    Anything else (a constraint, a value out of range, a bug) is about the data or the code, and
    waiting will not help.
    """
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError | PoolTimeout)


class Database:
    """The engine and session factory of one app."""

    def __init__(self, url: str, timeout_seconds: float = 3.0) -> None:
        self.url = url
        self.engine = make_engine(url, timeout_seconds)
        self.sessions = sessionmaker(
            self.engine, expire_on_commit=False, class_=RetryFirstStatement
        )
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

        # An error about the data (a constraint, a bad value) says nothing about the database.
        failed = context.is_disconnect or unreachable(context.sqlalchemy_exception)
        metrics.DATABASE_ERRORS.labels("unreachable" if failed else "other").inc()
        if has_request_context() and failed:
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
