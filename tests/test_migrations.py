"""Alembic: an empty database upgrades to head and back, and the models match the migrations."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from ivr import migrations
from ivr.db import Base, make_engine
from tests.conftest import POSTGRES_URL, reset_postgres


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    reset_postgres(POSTGRES_URL)
    yield POSTGRES_URL
    reset_postgres(POSTGRES_URL)
    migrations.upgrade("head", url=POSTGRES_URL)  # leave it as the session fixture made it


def test_upgrade_then_downgrade(empty_url: str) -> None:
    migrations.upgrade("head", url=empty_url)
    assert set(Base.metadata.tables) <= table_names(empty_url)
    migrations.check(url=empty_url)  # autogenerate finds no difference
    migrations.downgrade("base", url=empty_url)
    assert table_names(empty_url) <= {"alembic_version"}
