"""Issue 27: agents linked to console users, on the line behind the fake Twilio."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ivr.db import get_session
from ivr.phone.fake_twilio import FakeTwilio
from ivr.phone.switchboard import Switchboard
from ivr.phone.transport import InProcess
from ivr.services.agents import add_agent, by_name, link_user
from ivr.services.users import create_user
from tests.conftest import TOKEN
from tests.console.conftest import PASSWORD, csrf_token
from tests.voice.conftest import ACCOUNT, DESK_NUMBER, Line, line  # noqa: F401  re-exported

KEY, SECRET, APP = "SK" + "2" * 32, "the-api-key-secret-0123456789abc", "AP" + "3" * 32
SOFTPHONE = {
    "TWILIO_API_KEY_SID": KEY,
    "TWILIO_API_KEY_SECRET": SECRET,
    "TWILIO_TWIML_APP_SID": APP,
}

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


@pytest.fixture
def softphone_line(make_app: Callable[..., Flask]) -> Iterator[Line]:
    """The line behind the fake Twilio, with the softphone configured."""
    with FakeTwilio(ACCOUNT, TOKEN) as fake:
        application = make_app(
            TWILIO_ACCOUNT_SID=ACCOUNT,
            TWILIO_NUMBER=DESK_NUMBER,
            TWILIO_API_BASE=fake.base_url,
            WRAP_UP_SECONDS=0,
            PUBLIC_URL="https://ivr.example.test",
            MESSAGES_FROM="Servicedesk",
            **SOFTPHONE,
        )
        board = Switchboard(fake, InProcess(application, token=TOKEN), line_number=DESK_NUMBER)
        yield Line(application, fake, board)


def heartbeat(client: FlaskClient, page: str = "/console/softphone") -> str:
    """The softphone page says its Device is registered; the agent's presence as answered."""
    response = client.post(
        "/console/softphone/heartbeat", headers={"X-CSRFToken": csrf_token(client, page)}
    )
    assert response.status_code == 200, response.status_code
    return response.get_json()["presence"]
