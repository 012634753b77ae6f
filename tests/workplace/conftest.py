"""Issue 27: agents linked to console users, on the line behind the fake Twilio."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from ivr.db import get_session
from ivr.services.agents import add_agent, by_name, link_user
from ivr.services.users import create_user
from tests.console.conftest import PASSWORD, csrf_token
from tests.voice.conftest import Line, line  # noqa: F401  re-exported fixture

LANGUAGE_KEY = {"nl": "1", "de": "2"}


def agent_user(
    app: Flask, name: str, address: str, username: str, languages: str = "nl,de"
) -> None:
    """An agent at `address`, and the console user `username` who is them."""
    with app.app_context():
        session = get_session()
        add_agent(session, name, address, languages)
        create_user(session, username, PASSWORD)
        link_user(session, by_name(session, name), username)


def plain_user(app: Flask, username: str) -> None:
    with app.app_context():
        create_user(get_session(), username, PASSWORD)


def logged_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_token(client, "/console/login")
    response = client.post(
        "/console/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def queue_up(desk: Line, lang: str, number: str, keys: str = "112", *, again: bool = False):  # type: ignore[no-untyped-def]
    """A caller reports an incident (by default category 2: all users, some functions fail)
    and waits on the line; `again`: the line knows their language, and asks no more."""
    call = desk.caller(number)
    call.start()
    for key in ("" if again else LANGUAGE_KEY[lang]) + keys:
        call.press(key)
    assert call.queued, call.as_text()
    return call
