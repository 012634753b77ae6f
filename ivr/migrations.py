"""Alembic driven from the app's configuration, so one `DATABASE_URL` decides where schema goes."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from ivr.config import ROOT


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    # configparser treats % as interpolation; URL-encoded passwords contain it.
    database_url = url or current_app.config["DATABASE_URL"]
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(revision: str = "head", url: str | None = None) -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(revision: str, url: str | None = None) -> None:
    command.downgrade(alembic_config(url), revision)


def check(url: str | None = None) -> None:
    command.check(alembic_config(url))


def current(url: str | None = None) -> str | None:
    from ivr.db import make_engine

    engine = make_engine(url or current_app.config["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def is_current(url: str | None = None) -> bool:
    """Whether the database's schema is at the newest migration (False for an empty database)."""
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    return current(url) == head
