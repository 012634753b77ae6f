"""Two desks on one app, users and tokens with roles on them, and a console client per user.

Until DESKS_FILE exists the line has one desk from the environment; these tests make two out of
it (same hours, other keys) and put rows in desk B by setting `desk="b"` on them.
"""

from __future__ import annotations

import dataclasses
import re

from flask import Flask
from flask.testing import FlaskClient

from ivr.db import get_session
from ivr.services.desks import Desks
from ivr.services.users import create_token, create_user
from tests.console.conftest import PASSWORD, csrf_token


def two_desks(app: Flask) -> Desks:
    """Desk A ("a", the first) and desk B ("b") in place of the environment's one desk."""
    env_desk = app.extensions["ivr.desk"]
    desks = Desks(
        (
            dataclasses.replace(env_desk, key="a", name="Desk A"),
            dataclasses.replace(env_desk, key="b", name="Desk B"),
        )
    )
    app.extensions["ivr.desks"] = desks
    return desks


def user_with(app: Flask, name: str, roles: dict[str, str]) -> str:
    with app.app_context():
        create_user(get_session(), name, PASSWORD, roles)
    return name


def logged_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_token(client, "/console/login")
    response = client.post(
        "/console/login", data={"username": name, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def token_with(app: Flask, name: str, roles: dict[str, str], now) -> str:  # type: ignore[no-untyped-def]
    with app.app_context():
        return create_token(get_session(), name, now, roles)


def session_csrf(client: FlaskClient) -> str:
    """The CSRF token of the client's session, read from a page's header forms."""
    page = client.get("/console/").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)
