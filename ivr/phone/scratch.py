"""A scratch copy of the instance's database for simulated calls (`flask call --at`).

Calls at a simulated time would leave agents in wrap-up dated in the future, incidents in the
work list and calls in the monthly report. The copy is a temporary SQLite file with every row
of the instance's database (SQLite's own backup, or row by row from PostgreSQL), used by the app
for the call and deleted afterwards.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, g
from sqlalchemy import select

from ivr import migrations
from ivr.db import Base, Database

CHUNK = 1000  # rows per insert when copying from PostgreSQL


@contextmanager
def scratch_copy(app: Flask) -> Iterator[Database]:
    """The app uses a copy of its database inside the block, and its own again after it."""
    real: Database = app.extensions["ivr.db"]
    real_url = app.config["DATABASE_URL"]
    folder = Path(tempfile.mkdtemp(prefix="ivr-call-"))
    url = f"sqlite:///{folder / 'scratch.sqlite3'}"
    try:
        _copy(real, folder / "scratch.sqlite3", url)
        scratch = Database(url, app.config["DB_TIMEOUT_SECONDS"])
        _forget_session()
        app.extensions["ivr.db"], app.config["DATABASE_URL"] = scratch, url
        try:
            yield scratch
        finally:
            _forget_session()
            app.extensions["ivr.db"], app.config["DATABASE_URL"] = real, real_url
            scratch.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy(real: Database, path: Path, url: str) -> None:
    if real.engine.dialect.name == "sqlite":
        source = real.engine.raw_connection()
        target = sqlite3.connect(path)
        try:
            source.driver_connection.backup(target)  # type: ignore[union-attr]
        finally:
            target.close()
            source.close()
        return
    migrations.upgrade("head", url=url)
    scratch = Database(url)
    try:
        with real.engine.connect() as reading, scratch.engine.begin() as writing:
            for table in Base.metadata.sorted_tables:  # parents before the rows naming them
                rows = reading.execute(select(table)).mappings()
                while batch := [dict(row) for row in rows.fetchmany(CHUNK)]:
                    writing.execute(table.insert(), batch)
    finally:
        scratch.engine.dispose()


def _forget_session() -> None:
    """A session opened on one database must not serve the other."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
