"""Every error on a console path is the console's own page, in Dutch or German, never Werkzeug's."""

from __future__ import annotations

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient

from tests.conftest import local
from tests.console.conftest import PASSWORD, csrf_token, post_form

TITLES = {
    "nl": {
        400: "Niet begrepen",
        401: "Niet aangemeld",
        403: "Niet toegestaan",
        404: "Niet gevonden",
        405: "Zo niet mogelijk",
        429: "Te veel verzoeken",
        500: "Er ging iets mis",
        503: "Nu niet beschikbaar",
    },
    "de": {
        400: "Nicht verstanden",
        401: "Nicht angemeldet",
        403: "Nicht erlaubt",
        404: "Nicht gefunden",
        405: "So nicht möglich",
        429: "Zu viele Anfragen",
        500: "Etwas ist schiefgelaufen",
        503: "Zurzeit nicht verfügbar",
    },
}
WERKZEUG = ("<title>4", "<title>5", "The requested URL", "The method is not allowed")


def in_language(client: FlaskClient, language: str) -> FlaskClient:
    post_form(client, "/console/", "/console/language", language=language)
    return client


def assert_console_page(response, language: str, code: int) -> None:  # type: ignore[no-untyped-def]
    html = response.get_data(as_text=True)
    assert response.status_code == code
    assert response.mimetype == "text/html"
    assert f"<h1>{TITLES[language][code]} <small" in html, html
    assert '<span class="brand">' in html and f'<html lang="{language}">' in html
    assert not any(mark in html for mark in WERKZEUG), html


@pytest.fixture
def testing_routes(make_app) -> Flask:  # type: ignore[no-untyped-def]
    """The app with console paths that fail as asked, and a view that breaks."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def fail(code: int) -> str:
        abort(code)

    def broken() -> str:
        raise RuntimeError("a fault in a console view")

    app.add_url_rule("/console/test-fail/<int:code>", "test_fail", fail)
    app.add_url_rule("/console/test-broken", "test_broken", broken)
    return app


def logged_in(app: Flask) -> FlaskClient:
    from ivr.db import get_session
    from ivr.services.users import create_user

    with app.app_context():
        create_user(get_session(), "anouk", PASSWORD)
    client = app.test_client()
    token = csrf_token(client, "/console/login")
    client.post(
        "/console/login", data={"username": "anouk", "password": PASSWORD, "csrf_token": token}
    )
    return client


@pytest.mark.parametrize("language", ["nl", "de"])
def test_errors_before_any_view_is_chosen(staff: FlaskClient, language: str) -> None:
    client = in_language(staff, language)
    assert_console_page(client.get("/console/no-such-page"), language, 404)
    assert_console_page(client.get("/console/agents/1/delete"), language, 405)  # POST only
    assert_console_page(client.get("/console/logout"), language, 405)
    assert client.get("/console/logout").headers["Allow"]  # still says what is allowed


@pytest.mark.parametrize("language", ["nl", "de"])
def test_errors_of_console_views(staff: FlaskClient, agents, report, language: str) -> None:  # type: ignore[no-untyped-def]
    client = in_language(staff, language)
    assert_console_page(client.get("/console/incidents/00000000"), language, 404)
    assert_console_page(client.get("/console/agents/999/remove"), language, 404)
    assert_console_page(client.get("/console/disruptions/999"), language, 404)
    assert_console_page(client.post("/console/agents", data={}), language, 400)  # no CSRF token
    reference = report(local(2026, 11, 24, 10, 0), "1111")
    # The recording cannot be fetched: no Twilio account configured (503).
    assert_console_page(client.get(f"/console/incidents/{reference}/recording"), language, 503)


@pytest.mark.parametrize("language", ["nl", "de"])
@pytest.mark.parametrize("code", [400, 401, 403, 404, 405, 429, 500, 503])
def test_every_code_on_a_console_path(testing_routes: Flask, language: str, code: int) -> None:
    client = in_language(logged_in(testing_routes), language)
    assert_console_page(client.get(f"/console/test-fail/{code}"), language, code)


@pytest.mark.parametrize("language", ["nl", "de"])
def test_a_fault_in_a_view_is_a_console_page(testing_routes: Flask, language: str) -> None:
    client = in_language(logged_in(testing_routes), language)
    assert_console_page(client.get("/console/test-broken"), language, 500)


def test_other_paths_keep_their_own_errors(client: FlaskClient) -> None:
    assert client.get("/api/incidents/12345678").status_code == 401
    assert client.get("/api/no-such").status_code in (401, 404)
    assert client.post("/voice/no-such-step").status_code == 403  # unsigned: refused, as before
