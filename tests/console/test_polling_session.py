"""A page that polls by itself does not keep its session alive: idle is idle, whatever it asks."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.console.conftest import PASSWORD, csrf_token

POLLED = ["/console/work-list/live", "/console/board.json"]


def logged_in(make_app, user: str) -> FlaskClient:  # type: ignore[no-untyped-def]
    app: Flask = make_app(SESSION_MINUTES=30)
    client = app.test_client()
    token = csrf_token(client, "/console/login")
    client.post(
        "/console/login", data={"username": user, "password": PASSWORD, "csrf_token": token}
    )
    return client


def at(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    monkeypatch.setattr(time, "time", lambda: seconds)


@pytest.mark.parametrize("polled", POLLED)
def test_polling_does_not_keep_an_idle_session_alive(
    make_app, user: str, monkeypatch: pytest.MonkeyPatch, polled: str
) -> None:
    start = time.time()
    client = logged_in(make_app, user)
    htmx = {"HX-Request": "true"} if "live" in polled else {}
    for minute in range(1, 30, 4):  # the open page asks all the while, nobody clicks
        at(monkeypatch, start + minute * 60)
        assert client.get(polled, headers=htmx).status_code in (200, 204)
    at(monkeypatch, start + 31 * 60)  # 31 minutes after the last click
    ended = client.get(polled, headers=htmx)
    if htmx:
        assert ended.status_code == 204 and ended.headers["HX-Redirect"] == "/console/login"
    else:
        assert ended.status_code == 302 and "/console/login" in ended.headers["Location"]
    assert client.get("/console/").status_code == 302  # logged out for the pages too


def test_a_click_keeps_the_session_alive(make_app, user: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    start = time.time()
    client = logged_in(make_app, user)
    at(monkeypatch, start + 20 * 60)
    assert client.get("/console/agents").status_code == 200  # someone at the screen
    at(monkeypatch, start + 45 * 60)
    assert client.get("/console/board.json").status_code == 200
    assert client.get("/console/").status_code == 200
