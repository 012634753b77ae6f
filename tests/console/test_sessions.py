"""Sessions end on logout and on a password change; logins are throttled; cookies and headers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Agent, User
from ivr.services.users import create_user
from tests.console.conftest import PASSWORD, csrf_token, post_form


def login(client: FlaskClient, user: str, password: str = PASSWORD, address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/console/login")
    return client.post(
        "/console/login",
        data={"username": user, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def with_cookie(app: Flask, value: str) -> FlaskClient:
    """Another browser, holding a copy of a session cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_a_copied_session_cookie_stops_working_after_logout(app: Flask, staff) -> None:
    copied = session_cookie(staff)
    assert with_cookie(app, copied).get("/console/").status_code == 200
    post_form(staff, "/console/", "/console/logout")
    assert with_cookie(app, copied).get("/console/").status_code == 302


def test_a_password_change_ends_every_session(app: Flask, staff) -> None:
    copied = session_cookie(staff)
    result = app.test_cli_runner().invoke(
        args=["users", "password", "anouk"], input="another long secret\nanother long secret\n"
    )
    assert result.exit_code == 0, result.output
    assert with_cookie(app, copied).get("/console/").status_code == 302
    assert staff.get("/console/").status_code == 302


def test_a_disabled_user_is_logged_out_and_cannot_log_in(app: Flask, staff) -> None:
    result = app.test_cli_runner().invoke(args=["users", "disable", "anouk"])
    assert result.exit_code == 0, result.output
    assert staff.get("/console/").status_code == 302
    assert login(app.test_client(), "anouk").status_code == 200  # the form again, not in
    assert app.test_cli_runner().invoke(args=["users", "enable", "anouk"]).exit_code == 0
    assert login(app.test_client(), "anouk").status_code == 302


def test_a_deleted_user_is_gone(app: Flask, staff) -> None:
    result = app.test_cli_runner().invoke(args=["users", "delete", "anouk"])
    assert result.exit_code == 0, result.output
    assert staff.get("/console/").status_code == 302
    with app.app_context():
        assert get_session().scalars(select(User)).all() == []
    missing = app.test_cli_runner().invoke(args=["users", "delete", "nobody"])
    assert missing.exit_code == 1 and "no user" in missing.output


def test_wrong_passwords_are_throttled_per_account(
    app: Flask, user: str, clock: FixedClock
) -> None:
    client = app.test_client()
    for i in range(5):
        assert login(client, user, "wrong password", address=f"10.0.1.{i}").status_code == 200
    refused = login(client, user, address="10.0.2.1")  # even the right password, for now
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.get_data(as_text=True)
    clock.set(clock.now() + timedelta(minutes=16))  # not forever
    assert login(client, user, address="10.0.2.1").status_code == 302


def test_wrong_passwords_are_throttled_per_address(app: Flask, clock: FixedClock) -> None:
    with app.app_context():
        create_user(get_session(), "jonas", PASSWORD)
    client = app.test_client()
    for i in range(20):
        login(client, f"guess{i}", "wrong password", address="10.9.9.9")
    assert login(client, "jonas", address="10.9.9.9").status_code == 429
    assert login(client, "jonas", address="10.0.0.7").status_code == 302  # others are not hit


def test_a_successful_login_clears_the_accounts_failures(app: Flask, user: str) -> None:
    client = app.test_client()
    for _ in range(4):
        login(client, user, "wrong password")
    assert login(client, user).status_code == 302
    for _ in range(4):
        login(app.test_client(), user, "wrong password")
    assert login(app.test_client(), user).status_code == 302


def test_session_cookie_attributes(app: Flask, user: str) -> None:
    response = login(app.test_client(), user)
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_behind_tls(make_app) -> None:
    app = make_app(PROXY_TRUSTED_HOPS=1)
    with app.app_context():
        create_user(get_session(), "anouk", PASSWORD)
    # The proxy terminated TLS and says so; the browser speaks https.
    client = app.test_client()
    https = {
        "headers": {"X-Forwarded-Proto": "https", "Referer": "https://ivr.example/console/login"},
        "base_url": "https://ivr.example",
    }
    page = client.get("/console/login", **https).get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    data = {"username": "anouk", "password": PASSWORD, "csrf_token": token}
    response = client.post("/console/login", data=data, **https)
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("path", ["/console/login", "/console/", "/api/incidents", "/healthz"])
def test_security_headers(staff, path: str) -> None:
    headers = staff.get(path).headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
    assert "style-src 'self'" in policy and "form-action 'self'" in policy


def test_an_agent_can_be_removed(app: Flask, staff, agents) -> None:
    with app.app_context():
        jonas = get_session().scalars(select(Agent).where(Agent.name == "Jonas")).one()
    response = post_form(staff, "/console/agents", f"/console/agents/{jonas.id}/delete")
    assert response.status_code == 302
    assert "Jonas removed." in staff.get("/console/agents").get_data(as_text=True)
    with app.app_context():
        assert [a.name for a in get_session().scalars(select(Agent))] == ["Anouk"]
    assert (
        post_form(staff, "/console/agents", f"/console/agents/{jonas.id}/delete").status_code == 404
    )
    result = app.test_cli_runner().invoke(args=["agents", "remove", "Anouk"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert get_session().scalars(select(Agent)).all() == []
