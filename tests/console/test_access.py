"""Nothing of the servicedesk side answers without a login or a token; forms need CSRF tokens."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.console.conftest import PASSWORD, csrf_token

PAGES = [
    "/console/",
    "/console/?view=morning",
    "/console/calls",
    "/console/agents",
    "/console/calendar",
    "/console/incidents/12345678",
    "/console/incidents/12345678/recording",
]
FORMS = [
    "/console/incidents/12345678/acknowledge",
    "/console/incidents/12345678/resolve",
    "/console/agents",
    "/console/agents/1/duty",
    "/console/closures",
    "/console/maintenance",
    "/console/maintenance/1/delete",
    "/console/closures/1/delete",
    "/console/logout",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_strangers_to_the_login(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=")


def test_root_leads_to_the_console(client: FlaskClient) -> None:
    assert client.get("/").headers["Location"] == "/console/"


@pytest.mark.parametrize("path", FORMS)
def test_forms_without_a_csrf_token_are_refused(staff: FlaskClient, path: str) -> None:
    assert staff.post(path, data={}).status_code == 400


def test_login_with_a_wrong_password_fails(client: FlaskClient, user: str) -> None:
    token = csrf_token(client, "/console/login")
    page = client.post(
        "/console/login", data={"username": user, "password": "wrong", "csrf_token": token}
    )
    assert page.status_code == 200 and "Wrong name or password." in page.get_data(as_text=True)
    assert client.get("/console/").status_code == 302


def test_login_returns_to_the_page_asked_for_but_never_off_site(client, user) -> None:
    token = csrf_token(client, "/console/login")
    back = client.post(
        "/console/login?next=/console/calls",
        data={"username": user, "password": PASSWORD, "csrf_token": token},
    )
    assert back.headers["Location"] == "/console/calls"
    client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/calls")})
    token = csrf_token(client, "/console/login")
    away = client.post(
        "/console/login?next=https://evil.example/",
        data={"username": user, "password": PASSWORD, "csrf_token": token},
    )
    assert away.headers["Location"] == "/console/"


def test_logout_ends_the_session(staff: FlaskClient) -> None:
    assert staff.get("/console/").status_code == 200
    staff.post("/console/logout", data={"csrf_token": csrf_token(staff, "/console/")})
    assert staff.get("/console/").status_code == 302


def test_idle_sessions_expire(make_app, user: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app: Flask = make_app(SESSION_MINUTES=30)
    client = app.test_client()
    token = csrf_token(client, "/console/login")
    client.post(
        "/console/login", data={"username": user, "password": PASSWORD, "csrf_token": token}
    )
    assert client.get("/console/").status_code == 200
    later = time.time() + 31 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/console/").status_code == 302


def test_session_cookie_is_http_only_and_expires(staff: FlaskClient) -> None:
    cookie = staff.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.expires is not None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Basic YTpi"},
        {"Authorization": "Bearer "},
    ],
)
def test_api_needs_a_valid_bearer_token(client: FlaskClient, headers) -> None:
    for path in ("/api/incidents", "/api/incidents/12345678"):
        response = client.get(path, headers=headers)
        assert response.status_code == 401
        assert response.json == {"error": "Unauthorized", "detail": response.json["detail"]}
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_voice_webhooks_need_no_csrf_token_but_a_signature(client: FlaskClient) -> None:
    assert client.post("/voice/incoming", data={"CallSid": "CA1"}).status_code == 403
