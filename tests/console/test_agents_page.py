"""The Agents page: what each agent is doing now, removal asked twice, only valid values taken."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Agent, Closure, MaintenanceWindow
from tests.console.conftest import csrf_token, post_form


def agent_id(app: Flask, name: str) -> int:
    with app.app_context():
        return get_session().scalars(select(Agent).where(Agent.name == name)).one().id


def row_of(page: str, name: str) -> str:
    match = re.search(rf"<tr>\s*<td>{name}</td>.*?</tr>", page, re.S)
    assert match, page
    return match.group(0)


@pytest.mark.parametrize(
    ("stored", "shown"), [("ringing", "ringing"), ("on_call", "on a call"), ("wrap_up", "wrap-up")]
)
def test_the_page_shows_what_an_agent_is_doing_now(
    app: Flask, staff: FlaskClient, agents, clock: FixedClock, stored: str, shown: str
) -> None:
    with app.app_context():
        anouk = get_session().get(Agent, agent_id(app, "Anouk"))
        anouk.presence, anouk.presence_since = stored, clock.now()
        get_session().commit()
    page = staff.get("/console/agents").get_data(as_text=True)
    assert f'<td class="presence">{shown}</td>' in row_of(page, "Anouk")
    assert '<td class="presence">available</td>' in row_of(page, "Jonas")


def test_removing_an_agent_is_confirmed_on_a_page_of_its_own(
    app: Flask, staff: FlaskClient, agents
) -> None:
    jonas = agent_id(app, "Jonas")
    page = staff.get("/console/agents").get_data(as_text=True)
    assert f"/console/agents/{jonas}/delete" not in page  # one click cannot remove
    link = re.search(rf'href="(/console/agents/{jonas}/remove)">Remove<', page)
    assert link, page
    confirmation = staff.get(link.group(1))
    text = confirmation.get_data(as_text=True)
    assert confirmation.status_code == 200 and "Remove Jonas?" in text
    assert f'action="/console/agents/{jonas}/delete"' in text
    with app.app_context():
        assert get_session().get(Agent, jonas) is not None  # asking removed nothing
    post_form(staff, link.group(1), f"/console/agents/{jonas}/delete")
    assert "Jonas removed." in staff.get("/console/agents").get_data(as_text=True)
    assert staff.get(link.group(1)).status_code == 404


def test_on_duty_takes_only_on_or_off(app: Flask, staff: FlaskClient, agents) -> None:
    anouk = agent_id(app, "Anouk")
    response = post_form(staff, "/console/agents", f"/console/agents/{anouk}/duty", on_duty="maybe")
    assert response.status_code == 400
    assert "Not changed: on duty is 1 (on) or 0 (off)." in response.get_data(as_text=True)
    with app.app_context():
        assert get_session().get(Agent, anouk).on_duty is True


CLOSURE = {"start": "2027-02-11", "end": "2027-02-11", "reason_nl": "Dicht", "reason_de": "Zu"}


@pytest.mark.parametrize("path", ["/console/closures/0", "/console/closures/77"])
def test_saving_a_closure_that_is_not_there_creates_none(
    app: Flask, staff: FlaskClient, path: str
) -> None:
    response = staff.post(
        path, data={**CLOSURE, "csrf_token": csrf_token(staff, "/console/calendar")}
    )
    assert response.status_code == 404
    with app.app_context():
        assert get_session().scalars(select(Closure)).all() == []


def test_saving_a_window_that_is_not_there_creates_none(app: Flask, staff: FlaskClient) -> None:
    response = post_form(staff, "/console/calendar", "/console/maintenance/0", start="x")
    assert response.status_code == 404
    with app.app_context():
        assert get_session().scalars(select(MaintenanceWindow)).all() == []
