"""The desks as the operator sees them (issue 26): `flask desks list|show`, the console's
read-only desks page with where each setting comes from, and `flask call --desk`."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ivr.db import get_session
from ivr.services.users import create_user
from tests.console.conftest import PASSWORD, csrf_token, post_form


def cli(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_desks_list_names_each_desk_and_its_source(two_desks: Flask, desks_file: Path) -> None:
    lines = cli(two_desks, "desks", "list").splitlines()
    assert [line.split()[0] for line in lines] == ["ozmo", "bayern"]
    assert "languages de,nl" in lines[1] and "mon-fri 08:00-17:30" in lines[1]
    assert "holidays DE-BY" in lines[1] and f"from {desks_file}" in lines[1]


def test_without_a_file_the_one_desk_is_the_environments(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(OPENING_HOURS="mon-fri 08:00-17:30")
    (line,) = cli(app, "desks", "list").splitlines()
    assert line.startswith("default") and line.endswith("from environment")
    shown = cli(app, "desks", "show", "default")
    assert "mon-fri 08:00-17:30\n" in shown and "from environment: OPENING_HOURS" in shown


def test_desks_show_gives_every_setting_with_its_origin(two_desks: Flask, desks_file: Path) -> None:
    shown = cli(two_desks, "desks", "show", "bayern").splitlines()
    pairs = dict(zip(shown[::2], shown[1::2], strict=True))
    settings = {line.split()[0]: line for line in pairs}
    assert settings["holiday_subdivision"].split()[1] == "BY"
    assert pairs[settings["holiday_subdivision"]].strip() == f"from {desks_file} [desk.bayern]"
    assert pairs[settings["holiday_categories"]].strip() == "from environment: HOLIDAY_CATEGORIES"
    assert pairs[settings["standard_change_days"]].strip() == "from built in"
    refused = two_desks.test_cli_runner().invoke(args=["desks", "show", "berlin"])
    assert refused.exit_code != 0 and "no desk 'berlin' (desks: ozmo, bayern)" in refused.output


@pytest.fixture
def lead(two_desks: Flask) -> FlaskClient:
    with two_desks.app_context():
        create_user(get_session(), "lead", PASSWORD)
    client = two_desks.test_client()
    token = csrf_token(client, "/console/login")
    client.post(
        "/console/login", data={"username": "lead", "password": PASSWORD, "csrf_token": token}
    )
    return client


def test_the_console_shows_each_desk_read_only_with_its_origin(
    two_desks: Flask, lead: FlaskClient, desks_file: Path
) -> None:
    assert two_desks.test_client().get("/console/desks").status_code == 302  # log in first
    page = lead.get("/console/desks").get_data(as_text=True)
    assert "<h2>OZMO helpdesk <code>ozmo</code></h2>" in page
    assert "<h2>Servicedesk Bayern <code>bayern</code></h2>" in page
    assert f"Declared in {desks_file}." in page
    assert "Europe/Berlin" in page and "+498912345678" in page
    assert 'data-origin="environment">environment variable HOLIDAY_CATEGORIES' in page
    assert "<form" not in page.split("<h1>")[1]  # read-only: nothing to submit
    post_form(lead, "/console/", "/console/language", language="de")
    german = lead.get("/console/desks").get_data(as_text=True)
    assert "<h1>Servicedesks</h1>" in german and "Umgebungsvariable HOLIDAY_CATEGORIES" in german
    post_form(lead, "/console/", "/console/language", language="nl")
    dutch = lead.get("/console/desks").get_data(as_text=True)
    assert "Afkomstig uit" in dutch and "omgevingsvariabele HOLIDAY_CATEGORIES" in dutch


def test_flask_call_can_call_a_desk_by_its_key(two_desks: Flask) -> None:
    output = cli(two_desks, "call", "--desk", "bayern", "--at", "2026-01-06 10:00", "--keys", "2")
    assert "Willkommen beim Servicedesk." in output
    assert "geschlossen" in output.lower()  # Heilige Drei Könige in Bavaria
    dutch = cli(two_desks, "call", "--desk", "ozmo", "--at", "2026-01-06 10:00", "--keys", "1")
    assert "Welkom bij de servicedesk." in dutch and "gesloten" not in dutch


def test_desks_move_keeps_one_row_where_the_desk_is_part_of_the_key(two_desks: Flask) -> None:
    """An agent serving `default` and `ozmo` serves `ozmo` once after the move; a bad target
    or a move onto itself is refused."""
    from sqlalchemy import delete, select

    from ivr.models import AgentDesk
    from ivr.services.agents import add_agent

    with two_desks.app_context():
        session = get_session()
        agent = add_agent(session, "Anouk", "+31687654321", "nl")
        session.execute(delete(AgentDesk).where(AgentDesk.agent_id == agent.id))  # the first desk
        session.add_all([AgentDesk(agent_id=agent.id, desk=d) for d in ("default", "ozmo")])
        session.commit()
        agent_id = agent.id
    output = cli(two_desks, "desks", "move", "default", "ozmo")
    assert "agent_desks" not in output  # the one row of `default` went: `ozmo` had it already
    with two_desks.app_context():
        desks = get_session().scalars(select(AgentDesk.desk).where(AgentDesk.agent_id == agent_id))
        assert list(desks) == ["ozmo"]
    for args, said in (
        (("ozmo", "ozmo"), "already"),
        (("ozmo", "Not A Key"), "not a desk key"),
        (("*", "ozmo"), "not a desk"),
    ):
        refused = two_desks.test_cli_runner().invoke(args=["desks", "move", *args])
        assert refused.exit_code != 0 and said in refused.output, refused.output


def test_the_fallback_twiml_of_a_desk_dials_its_fallback_number(two_desks: Flask) -> None:
    output = cli(
        two_desks, "twilio", "fallback-twiml", "--base-url", "https://ivr.example.nl",
        "--next-url", "https://handler.twilio.com/twiml/EH1", "--desk", "bayern",
    )  # fmt: skip
    assert "+49891111111</Dial>" in output and 'callerId="+498912345678"' in output
