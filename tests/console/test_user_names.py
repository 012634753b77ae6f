"""Console user names are one person's regardless of case, and checked before the password."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from ivr import migrations
from ivr.db import get_session, make_engine
from ivr.models import User
from ivr.services.users import create_user
from tests.conftest import POSTGRES_URL, reset_postgres
from tests.console.conftest import PASSWORD

BEFORE = "c81d3f5e2a47"  # the revision before user names were made unique regardless of case


def test_lead_and_Lead_are_the_same_user(app: Flask) -> None:
    with app.app_context():
        create_user(get_session(), "lead", PASSWORD)
    result = app.test_cli_runner().invoke(
        args=["users", "create", "Lead"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 1
    assert "user 'lead' exists already" in result.output
    assert "Password" not in result.output  # refused before the password was asked
    listed = app.test_cli_runner().invoke(args=["users", "list"])
    assert listed.output.split() == ["lead"]


def test_the_database_refuses_a_name_differing_only_in_case(app: Flask) -> None:
    with app.app_context():
        session = get_session()
        create_user(session, "Lead", PASSWORD)
        session.add(User(username="LEAD", password_hash="x"))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()


def test_an_empty_name_is_refused_before_the_password_is_asked(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["users", "create", ""])
    assert result.exit_code == 1
    assert "a user's name must not be empty" in result.output
    assert "Password" not in result.output
    created = app.test_cli_runner().invoke(
        args=["users", "create", "jonas"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert created.exit_code == 0 and "user jonas created" in created.output


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_database(request: pytest.FixtureRequest, tmp_path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
        migrations.upgrade(BEFORE, url=url)
        yield url
        return
    reset_postgres(POSTGRES_URL)
    migrations.upgrade(BEFORE, url=POSTGRES_URL)
    yield POSTGRES_URL
    reset_postgres(POSTGRES_URL)
    migrations.upgrade("head", url=POSTGRES_URL)  # leave it as the session fixture made it


def test_the_upgrade_names_existing_duplicates(old_database: str) -> None:
    engine = make_engine(old_database)
    with engine.begin() as connection:
        for name in ("Lead", "lead", "anouk"):
            connection.execute(
                text("INSERT INTO users (username, password_hash) VALUES (:n, 'x')"), {"n": name}
            )
    with pytest.raises(RuntimeError, match=r"differ only in case: lead; delete all but one"):
        migrations.upgrade("head", url=old_database)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM users WHERE username = 'Lead'"))
    engine.dispose()
    migrations.upgrade("head", url=old_database)
    assert migrations.is_current(url=old_database)
