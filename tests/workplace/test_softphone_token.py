"""The softphone's access token: a JWT Twilio's Voice SDK registers with, for browser agents."""

from __future__ import annotations

import time
from collections.abc import Iterator

import jwt
import pytest
from flask import Flask

from ivr.clock import FixedClock
from tests.conftest import local
from tests.console.conftest import csrf_token
from tests.workplace.conftest import agent_user, logged_in, plain_user

ACCOUNT = "AC" + "1" * 32
KEY, SECRET, APP = "SK" + "2" * 32, "the-api-key-secret-0123456789abc", "AP" + "3" * 32
SOFTPHONE = {
    "TWILIO_ACCOUNT_SID": ACCOUNT,
    "TWILIO_API_KEY_SID": KEY,
    "TWILIO_API_KEY_SECRET": SECRET,
    "TWILIO_TWIML_APP_SID": APP,
}


@pytest.fixture
def softphone_app(make_app, clock: FixedClock) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    clock.set(local(2026, 11, 24, 10, 0))
    app = make_app(**SOFTPHONE)
    agent_user(app, "Anna", "client:anna", "anna")
    agent_user(app, "Piet", "+31687000012", "piet")
    plain_user(app, "bert")
    yield app


def token_of(client, page: str = "/console/"):  # type: ignore[no-untyped-def]
    return client.post(
        "/console/softphone/token", headers={"X-CSRFToken": csrf_token(client, page)}
    )


def test_a_browser_agent_gets_a_voice_token_for_their_identity(softphone_app: Flask) -> None:
    anna = logged_in(softphone_app, "anna")
    response = token_of(anna)
    assert response.status_code == 200
    body = response.get_json()
    assert body["identity"] == "anna"
    claims = jwt.decode(body["token"], SECRET, algorithms=["HS256"])
    assert claims["iss"] == KEY and claims["sub"] == ACCOUNT
    assert claims["grants"]["identity"] == "anna"
    assert claims["grants"]["voice"] == {
        "incoming": {"allow": True},
        "outgoing": {"application_sid": APP},
    }
    assert 3500 < claims["exp"] - time.time() <= 3600  # signed on the real clock, as Twilio checks
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(body["token"], "another secret, 32 bytes or more.", algorithms=["HS256"])
    # The header links the softphone for her.
    assert 'href="/console/softphone"' in anna.get("/console/").get_data(as_text=True)


def test_only_a_browser_agent_gets_one(softphone_app: Flask) -> None:
    assert token_of(logged_in(softphone_app, "piet")).status_code == 403  # a phone number
    assert token_of(logged_in(softphone_app, "bert")).status_code == 403  # not an agent
    assert logged_in(softphone_app, "piet").get("/console/softphone").status_code == 403


def test_anonymous_is_sent_to_the_login_and_a_post_needs_csrf(softphone_app: Flask) -> None:
    client = softphone_app.test_client()
    anonymous = token_of(client, "/console/login")  # a valid CSRF token, but nobody logged in
    assert anonymous.status_code == 302 and "/console/login" in anonymous.headers["Location"]
    assert logged_in(softphone_app, "anna").post("/console/softphone/token").status_code == 400


def test_without_the_settings_there_is_no_softphone(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(TWILIO_ACCOUNT_SID=ACCOUNT)
    agent_user(app, "Anna", "client:anna", "anna")
    anna = logged_in(app, "anna")
    assert token_of(anna).status_code == 404
    assert "/console/softphone" not in anna.get("/console/").get_data(as_text=True)


def test_the_token_and_the_heartbeat_do_not_keep_the_session_alive(softphone_app: Flask) -> None:
    anna = logged_in(softphone_app, "anna")
    with anna.session_transaction() as session:
        seen = session["seen"]
    token = csrf_token(anna, "/console/softphone")
    with anna.session_transaction() as session:
        session["seen"] = seen = seen - 60  # a minute ago
    for path in ("/console/softphone/token", "/console/softphone/heartbeat"):
        assert anna.post(path, headers={"X-CSRFToken": token}).status_code == 200
    with anna.session_transaction() as session:
        assert session["seen"] == seen
