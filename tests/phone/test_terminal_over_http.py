"""`flask call --url`: the terminal phone against a real gunicorn on loopback, signed requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from ivr import create_app, migrations
from ivr.db import Database
from ivr.phone.fake_twilio import FakeTwilio
from ivr.services.agents import add_agent
from tests.conftest import TOKEN
from tests.support.servers import gunicorn

pytestmark = pytest.mark.slow


ACCOUNT = "AC" + "7" * 32


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(ACCOUNT, TOKEN) as server:
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, fake: FakeTwilio):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path_factory.mktemp('served') / 'ivr.sqlite3'}"
    migrations.upgrade("head", url=url)
    database = Database(url)
    with database.sessions() as session:
        add_agent(session, "Anouk", "+31687654321", "nl,de")
    database.engine.dispose()
    env = {
        "DATABASE_URL": url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_ALLOW_CLOCK_HEADER": "1",
        "SECRET_KEY": "test",
        "SPOOL_DIR": str(tmp_path_factory.mktemp("spool")),
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_NUMBER": "+31413741742",
        "TWILIO_API_BASE": fake.base_url,
    }
    with gunicorn(env) as base:
        yield base


def call(app: Flask, server: str, tmp_path: Path, *args: str) -> str:
    transcript = tmp_path / "call.txt"
    result = app.test_cli_runner().invoke(
        args=["call", "--url", server, "--transcript", str(transcript), *args]
    )
    assert result.exit_code == 0, result.output
    return transcript.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def phone_app() -> Flask:
    """Only the terminal phone runs in this process; the line itself is the gunicorn server."""
    return create_app({"TWILIO_AUTH_TOKEN": TOKEN, "DATABASE_URL": "sqlite://"})


def test_out_of_hours_in_german_over_http(phone_app: Flask, server: str, tmp_path: Path) -> None:
    text = call(
        phone_app,
        server,
        tmp_path,
        "--at",
        "2027-04-27 10:00",
        "--from",
        "+4915123456789",
        "--keys",
        "2,1,1,2,1",
    )
    assert (
        "[de-DE] Der Servicedesk ist heute geschlossen: Königstag. "
        "Wir sind morgen um 08:30 Uhr wieder erreichbar." in text
    )
    assert "Ihre Referenznummer lautet" in text


def test_in_hours_in_dutch_over_http(
    phone_app: Flask, server: str, fake: FakeTwilio, tmp_path: Path
) -> None:
    text = call(
        phone_app,
        server,
        tmp_path,
        "--at",
        "2026-11-24 10:00",
        "--from",
        "+31612340001",
        "--keys",
        "1,1,3,3",
    )
    assert "[nl-NL] U wordt doorverbonden." in text
    assert "[nl-NL] U bent nummer 1 in de wachtrij." in text
    # The server offered the caller to Anouk through the (fake) REST API; nobody answered before
    # the terminal caller gave up, and the offer was withdrawn when they hung up.
    (offer,) = fake.calls_to("+31687654321")
    assert offer.url.startswith(f"{server}/voice/offer?offer=")
    assert offer.status == "canceled"


def test_wrong_token_is_refused_with_the_step_named(server: str) -> None:
    app = create_app({"TWILIO_AUTH_TOKEN": "not-the-servers-token", "DATABASE_URL": "sqlite://"})
    result = app.test_cli_runner().invoke(args=["call", "--url", server, "--keys", "1"])
    assert result.exit_code != 0
    assert f"incoming: {server}/voice/incoming answered HTTP 403" in result.output
