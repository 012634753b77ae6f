"""Shared fixtures: an app on a migrated database (SQLite, and PostgreSQL where one is given)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from ivr import create_app, migrations
from ivr.clock import FixedClock
from ivr.db import Base, make_engine
from ivr.phone.transport import InProcess, OverHttp
from tests.support import twiml_lint

TOKEN = "test-auth-token-0123456789abcdef"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")

BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgres),
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if POSTGRES_URL:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            "CI must run the database tests on PostgreSQL: set TEST_POSTGRES_URL"
        )
    skip = pytest.mark.skip(reason="no PostgreSQL: set TEST_POSTGRES_URL to run these")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def local(*args: int) -> datetime:
    """A wall-clock time in Amsterdam, as the servicedesk reads it."""
    return datetime(*args, tzinfo=AMSTERDAM)  # type: ignore[misc]


@pytest.fixture(scope="session")
def migrated_urls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each backend's database, migrated once per test session."""
    sqlite_path: Path = tmp_path_factory.mktemp("db") / "ivr.sqlite3"
    urls = {"sqlite": f"sqlite:///{sqlite_path}"}
    if POSTGRES_URL:
        reset_postgres(POSTGRES_URL)
        urls["postgresql"] = POSTGRES_URL
    for url in urls.values():
        migrations.upgrade("head", url=url)
    return urls


def reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def empty_tables(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, migrated_urls: dict[str, str]) -> Iterator[str]:
    url = migrated_urls[request.param]
    yield url
    empty_tables(url)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(local(2026, 11, 24, 10, 0))  # a Tuesday, the desk is open


@pytest.fixture
def app_config(database_url: str, clock: FixedClock, tmp_path: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SECRET_KEY": "test-secret",
        "CLOCK": clock,
        "SPOOL_DIR": str(tmp_path / "spool"),
    }


@pytest.fixture
def make_app(app_config: dict[str, object]) -> Iterator[Callable[..., Flask]]:
    """Builds apps with settings changed from `app_config`; their pools are closed afterwards."""
    made: list[Flask] = []

    def build(**overrides: object) -> Flask:
        application = create_app({**app_config, **overrides})
        made.append(application)
        return application

    yield build
    for application in made:
        application.extensions["ivr.db"].engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


def _linted_body(path: str, body: str, mimetype: str) -> None:
    if "xml" in mimetype and "<Response" in body[:200]:
        twiml_lint.check(body, twiml_lint.context_of(path.split("?", 1)[0]))


@pytest.fixture(autouse=True)
def twiml_is_linted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every TwiML answer a test gets, through the phone's transports or the Flask test client,
    is held to Twilio's documented rules (tests/support/twiml_lint.py)."""

    def transport(cls: type) -> None:
        post = cls.post

        def linted(self, url, form, headers=None):  # type: ignore[no-untyped-def]
            reply = post(self, url, form, headers)
            if reply.status == 200:
                _linted_body(url, reply.body, reply.content_type)
            return reply

        monkeypatch.setattr(cls, "post", linted)

    transport(InProcess)
    transport(OverHttp)
    opened = FlaskClient.open

    def open_linted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = opened(self, *args, **kwargs)
        if response.status_code == 200 and response.mimetype == "text/xml":
            path = args[0] if args and isinstance(args[0], str) else kwargs.get("path", "")
            _linted_body(path, response.get_data(as_text=True), response.mimetype)
        return response

    monkeypatch.setattr(FlaskClient, "open", open_linted)
