"""Alembic environment: the app's models are the target; the URL comes from the app's config."""

from __future__ import annotations

import warnings
from typing import Any

from alembic import context
from sqlalchemy.exc import SAWarning

from ivr.config import load_config
from ivr.db import Base, make_engine
from ivr.models import UtcDateTime  # importing the models registers them on Base.metadata

# SQLite cannot reflect users' lower(username) index; the migration makes it, the model has it.
warnings.filterwarnings(
    "ignore", "Skipped unsupported reflection of expression-based index", SAWarning
)
warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based")

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or load_config()["DATABASE_URL"]


def render_item(kind: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write UtcDateTime as the column type it is in the database, so revisions import only sa."""
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(database_url(), timeout_seconds=30)
    try:
        with engine.connect() as connection:
            # render_as_batch: SQLite cannot ALTER most things; batch mode copies the table.
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,
                render_item=render_item,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:  # also when a migration refuses: no connection left open
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
