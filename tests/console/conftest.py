"""A logged-in servicedesk colleague, reports taken by phone, and CSRF tokens read from pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from ivr.services.users import create_user
from tests.conftest import TOKEN
from tests.voice.conftest import agents, line, phone  # noqa: F401  re-exported fixtures

PASSWORD = "correct horse battery"


def csrf_token(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def user(app: Flask) -> str:
    with app.app_context():
        create_user(get_session(), "anouk", PASSWORD)
    return "anouk"


@pytest.fixture
def staff(app: Flask, user: str) -> FlaskClient:
    """A client logged in to the console."""
    return log_in(app.test_client(), user)


def log_in(client: FlaskClient, username: str) -> FlaskClient:
    """`client` logged in to the console as `username` (password PASSWORD)."""
    token = csrf_token(client, "/console/login")
    response = client.post(
        "/console/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def post_form(client: FlaskClient, page: str, action: str, **fields: str):  # type: ignore[no-untyped-def]
    """Submit a console form as a browser would: with the CSRF token of the page it is on."""
    return client.post(action, data={**fields, "csrf_token": csrf_token(client, page)})


def report_into(
    app: Flask, clock: FixedClock, when: datetime, keys: str = "1112", caller: str = "+31612345678"
) -> str:
    """A caller reports an incident by phone at `when`; returns its reference."""
    clock.set(when)
    call = TwilioCall(InProcess(app, token=TOKEN), from_number=caller)
    call.start()
    for key in keys:
        call.press(key)
    call.record(duration=25)
    call.press("1")
    text = " ".join(h.text for h in call.transcript if h.kind == "say")
    digits = re.search(r"(\d(?: \d){3}, \d(?: \d){3})", text)
    assert digits, text
    return re.sub(r"\D", "", digits.group(1))


@pytest.fixture
def report(app: Flask, clock: FixedClock) -> Callable[..., str]:
    """report(when, keys="1112", caller=...) into the test's app."""
    return lambda when, keys="1112", caller="+31612345678": report_into(
        app, clock, when, keys, caller
    )
