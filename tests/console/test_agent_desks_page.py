"""The Agents page on a line of several desks: which desks each agent serves, shown and changed
(issue 26). A line of one desk shows no desks at all."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from ivr.db import get_session
from ivr.services.agents import add_agent, by_name, desks_of
from tests.console.conftest import post_form
from tests.console.test_every_text_translated import in_each_language, untranslated
from tests.support.desks import two_desks


def served(app: Flask, name: str) -> list[str]:
    with app.app_context():
        session = get_session()
        agent = by_name(session, name)
        return desks_of(session, [agent.id])[agent.id]


def checked(page: str, agent_id: int) -> list[str]:
    form = re.search(rf'action="/console/agents/{agent_id}/desks">(.*?)</form>', page, re.S)
    assert form, page
    return re.findall(r'name="desks" value="(\w+)" checked', form.group(1))


def agent_id(app: Flask, name: str) -> int:
    with app.app_context():
        return by_name(get_session(), name).id


def test_a_line_of_one_desk_shows_no_desks(app: Flask, staff: FlaskClient, agents) -> None:
    page = staff.get("/console/agents").get_data(as_text=True)
    assert 'name="desks"' not in page and "Desk A" not in page


def test_each_agents_desks_are_shown_and_changed(app: Flask, staff: FlaskClient) -> None:
    two_desks(app)
    with app.app_context():
        add_agent(get_session(), "Anouk", "+31687000001", "nl", ("a",))
        add_agent(get_session(), "Sanne", "+31687000003", "nl", ("a", "b"))
    anouk, sanne = agent_id(app, "Anouk"), agent_id(app, "Sanne")
    page = staff.get("/console/agents").get_data(as_text=True)
    assert checked(page, anouk) == ["a"] and checked(page, sanne) == ["a", "b"]
    assert "Desk A" in page and "Desk B" in page

    answer = post_form(staff, "/console/agents", f"/console/agents/{anouk}/desks", desks="b")
    assert answer.status_code == 302
    page = staff.get("/console/agents").get_data(as_text=True)
    assert "Anouk serves the desks checked." in page
    assert checked(page, anouk) == ["b"] and served(app, "Anouk") == ["b"]


def test_no_desk_at_all_or_an_unknown_one_is_refused(app: Flask, staff: FlaskClient) -> None:
    two_desks(app)
    with app.app_context():
        add_agent(get_session(), "Anouk", "+31687000001", "nl", ("a",))
    anouk = agent_id(app, "Anouk")
    post_form(staff, "/console/agents", f"/console/agents/{anouk}/desks")
    page = staff.get("/console/agents").get_data(as_text=True)
    assert "an agent serves at least one desk" in page
    post_form(staff, "/console/agents", f"/console/agents/{anouk}/desks", desks="ozmo")
    page = staff.get("/console/agents").get_data(as_text=True)
    assert "no desk &#39;ozmo&#39;: the desks are a, b" in page
    assert served(app, "Anouk") == ["a"]
    assert staff.post("/console/agents/999999/desks").status_code in (400, 404)


def test_an_agent_is_added_for_the_desks_checked(app: Flask, staff: FlaskClient) -> None:
    two_desks(app)
    page = staff.get("/console/agents").get_data(as_text=True)
    assert re.search(r'name="desks" value="a" checked> Desk A', page)  # the first by default
    post_form(
        staff, "/console/agents", "/console/agents",
        name="Bram", number="+31687000002", languages="nl", desks="b",
    )  # fmt: skip
    assert served(app, "Bram") == ["b"]


def test_the_desks_on_the_page_are_in_dutch_and_german(app: Flask, staff: FlaskClient) -> None:
    two_desks(app)
    with app.app_context():
        add_agent(get_session(), "Anouk", "+31687000001", "nl", ("a", "b"))
    anouk = agent_id(app, "Anouk")

    def saved(client: FlaskClient) -> str:
        post_form(client, "/console/agents", f"/console/agents/{anouk}/desks", desks="a")
        return client.get("/console/agents").get_data(as_text=True)

    pages = in_each_language(staff, saved)
    assert "Werkt voor" in pages["nl"] and "Arbeitet für" in pages["de"]
    assert untranslated(pages, {"Desk A", "Desk B", "Anouk", "+31687000001"}) == []
