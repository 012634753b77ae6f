"""An upgrade (issue 26): the schema before desks (a24e5c1d7f30) with a call, an incident, an
agent, a user and a closure, migrated to head. With no DESKS_FILE the line behaves as before:
every row is in the desk `default`, the closure still closes the desk, the user still logs in,
the agent still answers, and `flask --app app db check` passes. `desks move default ozmo` then
hands it all to the desk a DESKS_FILE declares."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from ivr import create_app, migrations
from ivr.clock import FixedClock
from ivr.db import get_session, make_engine
from ivr.models import (
    Agent,
    AgentDesk,
    Call,
    Closure,
    Incident,
    User,
    UserRole,
)
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import POSTGRES_URL, TOKEN, local, reset_postgres

BEFORE_DESKS = "a24e5c1d7f30"
OZMO_NUMBER = "+31413741742"
CLOSED_DAY = local(2026, 12, 7, 10, 0)  # a Monday, closed for a staff day
PASSWORD = "correct horse battery"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at the schema before desks, with the rows a line of one desk has."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'before.sqlite3'}"
    else:
        url = POSTGRES_URL
        reset_postgres(url)
    migrations.upgrade(BEFORE_DESKS, url=url)
    engine = make_engine(url)
    started = datetime(2026, 11, 30, 9, 0, tzinfo=local(2026, 1, 1).tzinfo)
    with engine.begin() as connection:
        call = connection.execute(
            insert(Call.__table__)
            .values(call_sid="CA" + "1" * 32, started_at=started, from_number="+31612345678")
            .returning(Call.__table__.c.id)
        ).scalar_one()
        connection.execute(
            insert(Incident.__table__).values(
                call_id=call,
                reference="12345678",
                kind="incident",
                status="open",
                taken_out_of_hours=False,
                received_at=started,
                language="nl",
            )
        )
        connection.execute(
            insert(Agent.__table__).values(
                name="Anouk", address="+31687654321", languages="nl,de", on_duty=True,
                presence="available",
            )
        )  # fmt: skip
        connection.execute(
            insert(User.__table__).values(
                username="lead", password_hash=generate_password_hash(PASSWORD)
            )
        )
        connection.execute(
            insert(Closure.__table__).values(
                start_date=date(2026, 12, 7),
                end_date=date(2026, 12, 7),
                reason_nl="teamdag",
                reason_de="Teamtag",
            )
        )
    engine.dispose()
    migrations.upgrade("head", url=url)
    yield url
    if request.param == "postgresql":
        reset_postgres(url)
        migrations.upgrade("head", url=url)  # as the session's fixture left it


@pytest.fixture
def upgraded(old_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    made: list[Flask] = []

    def build(**settings: Any) -> Flask:
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": old_url,
                "TWILIO_AUTH_TOKEN": TOKEN,
                "SECRET_KEY": "test-secret",
                "CLOCK": FixedClock(CLOSED_DAY),
                "SPOOL_DIR": str(tmp_path / "spool"),
                **settings,
            }
        )
        made.append(app)
        return app

    yield build
    for app in made:
        app.extensions["ivr.db"].engine.dispose()


def desks_of(app: Flask) -> dict[str, Any]:
    with app.app_context():
        session = get_session()
        return {
            "call": session.scalars(select(Call.desk)).one(),
            "incident": session.scalars(select(Incident.desk)).one(),
            "closure": session.scalars(select(Closure.desk)).one(),
            "agent": session.scalars(select(AgentDesk.desk)).all(),
            "user": session.execute(select(UserRole.desk, UserRole.role)).all(),
        }


def test_the_upgraded_line_behaves_as_before(upgraded) -> None:  # type: ignore[no-untyped-def]
    app = upgraded()
    assert app.extensions["ivr.desks"].keys == ("default",)
    assert desks_of(app) == {
        "call": "default",
        "incident": "default",
        "closure": "default",
        "agent": ["default"],
        "user": [("*", "admin")],
    }
    check = app.test_cli_runner().invoke(args=["db", "check"])
    assert check.exit_code == 0 and "models and migrations agree" in check.output, check.output
    # The closure made before desks still closes the line; the caller hears its reason.
    call = TwilioCall(InProcess(app, token=TOKEN), from_number="+31622223333")
    call.start()
    call.press("1")
    assert "teamdag" in call.heard, call.heard
    for key in ("1", "1", "2"):
        call.press(key)
    call.record(duration=10)
    call.press("1")
    with app.app_context():
        session = get_session()
        new = session.scalars(select(Incident).where(Incident.reference != "12345678")).one()
        assert new.desk == "default"
        assert new.pickup_at == local(2026, 12, 8, 8, 30)  # the next opening after the closure
    # The user made before desks still logs in.
    client = app.test_client()
    page = client.get("/console/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/console/login", data={"username": "lead", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_desks_move_hands_the_single_desk_to_a_declared_one(upgraded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    desks_file = tmp_path / "desks.toml"
    desks_file.write_text(f'[desk.ozmo]\nnumbers = ["{OZMO_NUMBER}"]\n', encoding="utf-8")
    app = upgraded(DESKS_FILE=str(desks_file))
    moved = app.test_cli_runner().invoke(args=["desks", "move", "default", "ozmo"])
    assert moved.exit_code == 0, moved.output
    assert "moved 4 row(s) from desk 'default' to 'ozmo'" in moved.output
    assert desks_of(app) == {
        "call": "ozmo",
        "incident": "ozmo",
        "closure": "ozmo",
        "agent": ["ozmo"],
        "user": [("*", "admin")],  # an admin of every desk stays one
    }
    call = TwilioCall(
        InProcess(app, token=TOKEN), from_number="+31622223333", to_number=OZMO_NUMBER
    )
    call.start()
    call.press("1")
    assert "teamdag" in call.heard, call.heard  # ozmo's closure now
    again = app.test_cli_runner().invoke(args=["desks", "move", "default", "ozmo"])
    assert "moved 0 row(s)" in again.output
