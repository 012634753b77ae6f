"""The wall board: agents with their presence, callers waiting in order, callbacks pending."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from ivr.clock import FixedClock
from ivr.services import queue
from tests.conftest import local

OPEN = local(2026, 11, 24, 10, 0)


def test_the_wall_board_shows_who_waits_in_the_order_they_are_served(
    app: Flask, staff: FlaskClient, agents, clock: FixedClock
) -> None:
    clock.set(OPEN + timedelta(minutes=7))
    database = app.extensions["ivr.db"]
    for i, (lang, category) in enumerate([("nl", 3), ("nl", 1), ("de", 2)]):
        caller = queue.Caller(f"CA{i:032d}", lang, "incident", category)
        queue.join(database, caller, OPEN + timedelta(minutes=i), max_length=20)
    data = staff.get("/console/board.json").get_json()
    assert [a["name"] for a in data["agents"]] == ["Anouk", "Jonas"]
    assert [(c["language"], c["what"], c["position"]) for c in data["callers"]] == [
        ("nl", "category 1", 1),
        ("de", "category 2", 1),
        ("nl", "category 3", 2),
    ]
    assert data["callers"][2]["waited_minutes"] == 7
    page = staff.get("/console/board", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "categorie 1" in page and "beschikbaar" in page


def test_the_wall_board_needs_a_login(client: FlaskClient) -> None:
    assert client.get("/console/board.json").status_code in (302, 401)
