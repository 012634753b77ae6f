"""An agent's own presence in the console: a user linked to an agent sees and sets their own
state with one click on every page; a user who is no agent (the lead) sees everyone's."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.db import get_session
from ivr.models import Agent
from ivr.services.users import create_user
from tests.console.conftest import PASSWORD, csrf_token, post_form


def link(app: Flask, agent: str, user: str) -> None:
    result = app.test_cli_runner().invoke(args=["agents", "link", agent, user])
    assert result.exit_code == 0, result.output


def presence_of(app: Flask, name: str) -> tuple[str, str | None]:
    with app.app_context():
        agent = get_session().scalars(select(Agent).where(Agent.name == name)).one()
        return agent.presence, agent.presence_note


def test_an_agent_sets_their_own_state_with_one_click(
    app: Flask, staff: FlaskClient, agents: None
) -> None:
    link(app, "Anouk", "anouk")
    page = staff.get("/console/").get_data(as_text=True)
    assert 'class="my-presence"' in page
    assert "Anouk: available" in page and "Stop taking calls" in page
    response = post_form(
        staff, "/console/", "/console/me/presence", presence="away", next="/console/"
    )
    assert response.status_code == 302 and response.location.endswith("/console/")
    assert presence_of(app, "Anouk") == ("away", "set away in the console")
    page = staff.get("/console/board").get_data(as_text=True)
    assert "Anouk: away" in page and "Take calls" in page
    post_form(staff, "/console/board", "/console/me/presence", presence="available")
    assert presence_of(app, "Anouk")[0] == "available"


def test_the_own_state_in_dutch_and_german(app: Flask, staff: FlaskClient, agents: None) -> None:
    link(app, "Anouk", "anouk")
    post_form(staff, "/console/", "/console/language", language="nl", next="/console/")
    page = staff.get("/console/").get_data(as_text=True)
    assert "Anouk: beschikbaar" in page and "Geen gesprekken meer aannemen" in page
    post_form(staff, "/console/", "/console/language", language="de", next="/console/")
    page = staff.get("/console/").get_data(as_text=True)
    assert "Anouk: verfügbar" in page and "Keine Anrufe mehr annehmen" in page


def test_ringing_or_on_a_call_ends_by_itself(app: Flask, staff: FlaskClient, agents: None) -> None:
    link(app, "Anouk", "anouk")
    with app.app_context():
        session = get_session()
        session.scalars(select(Agent).where(Agent.name == "Anouk")).one().presence = "on_call"
        session.commit()
    page = staff.get("/console/").get_data(as_text=True)
    assert "Anouk: on a call" in page and "Stop taking calls" not in page
    response = post_form(staff, "/console/", "/console/me/presence", presence="available")
    page = staff.get(response.location).get_data(as_text=True)
    assert "You are on a call: that ends by itself." in page
    assert presence_of(app, "Anouk")[0] == "on_call"


def test_the_lead_has_no_own_state_and_sees_every_agent(app: Flask, agents: None) -> None:
    with app.app_context():
        create_user(get_session(), "lead", PASSWORD)
    lead = app.test_client()
    token = csrf_token(lead, "/console/login")
    lead.post(
        "/console/login", data={"username": "lead", "password": PASSWORD, "csrf_token": token}
    )
    page = lead.get("/console/agents").get_data(as_text=True)
    assert 'class="my-presence"' not in page
    assert "Anouk" in page and "Jonas" in page
    response = post_form(lead, "/console/agents", "/console/me/presence", presence="away")
    assert response.status_code == 302
    page = lead.get(response.location).get_data(as_text=True)
    assert "You are not linked to an agent." in page
    assert presence_of(app, "Anouk")[0] == "available"


def test_only_available_or_away_and_never_without_the_form_token(
    app: Flask, staff: FlaskClient, agents: None
) -> None:
    link(app, "Anouk", "anouk")
    assert staff.post("/console/me/presence", data={"presence": "away"}).status_code == 400
    post_form(staff, "/console/", "/console/me/presence", presence="on_call")
    assert presence_of(app, "Anouk")[0] == "available"


def test_linking_needs_an_existing_user_and_agent(app: Flask, agents: None, user: str) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["agents", "link", "Anouk", "nobody"])
    assert result.exit_code != 0 and "no user named 'nobody'" in result.output
    result = runner.invoke(args=["agents", "link", "Nobody", user])
    assert result.exit_code != 0 and "no agent named 'Nobody'" in result.output
    assert runner.invoke(args=["agents", "link", "Anouk", user]).exit_code == 0
    result = runner.invoke(args=["agents", "link", "Jonas", user])
    assert result.exit_code != 0 and "anouk is Anouk already" in result.output
    assert runner.invoke(args=["agents", "unlink", "Anouk"]).exit_code == 0
    assert runner.invoke(args=["agents", "link", "Jonas", user]).exit_code == 0
