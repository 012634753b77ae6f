"""No page loads rows one by one (issue 30): its statements are as many over a small history as
over one ten times its size, on SQLite and PostgreSQL (tests/support/statements.py counts them)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select

from ivr.console import calls as calls_page
from ivr.db import get_session
from ivr.models import Incident
from ivr.services import console
from ivr.services.demo_history import Plan, generate
from ivr.services.users import create_token, create_user
from tests.conftest import empty_tables
from tests.support.statements import counting

PASSWORD = "counts password 30"
SIZES = (60, 600)  # a tenth of the rows on every page: the work list, the call log, the report
PAGES = (
    "/console/",
    "/console/work-list/live",
    "/console/incidents/{reference}",
    "/console/report?month=2026-10",
    "/console/report.csv?month=2026-10",
    "/console/incidents.csv?month=2026-10",
    "/console/calls",
    "/console/board",
    "/console/board.json",
    "/console/disruptions",
    "/console/agents",
    "/console/calendar",
    "/api/incidents?limit=200",
)


def _history_of(app: Flask, database_url: str, incidents: int) -> tuple[FlaskClient, str, str]:
    """A fresh generated history; a lead logged in to it, an API token and a busy incident."""
    empty_tables(database_url)
    engine = create_engine(database_url)
    generate(engine, Plan(incidents=incidents, now=app.config["CLOCK"].now()))
    with engine.connect() as connection:
        reference = connection.scalar(
            select(Incident.reference)
            .where(Incident.status == "acknowledged")
            .order_by(Incident.received_at.desc())
        )
    engine.dispose()
    with app.app_context():
        create_user(get_session(), "lead", PASSWORD)
        token = create_token(get_session(), "counts", app.config["CLOCK"].now())
    client = app.test_client()
    page = client.get("/console/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    client.post(
        "/console/login",
        data={"username": "lead", "password": PASSWORD, "csrf_token": csrf.group(1)},
    )
    assert reference
    return client, token, reference


def _counts(app: Flask, database_url: str, incidents: int) -> dict[str, int]:
    client, token, reference = _history_of(app, database_url, incidents)
    engine = app.extensions["ivr.db"].engine
    counts = {}
    for page in PAGES:
        path = page.format(reference=reference)
        headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
        assert client.get(path, headers=headers).status_code == 200, path  # caches warmed
        with counting(engine) as tally:
            assert client.get(path, headers=headers).status_code == 200, path
        counts[page] = tally.counts["statements"]
    return counts


def _rows_differ(app: Flask, database_url: str) -> Callable[[int], int]:
    def rows_on_call_log(incidents: int) -> int:
        client, _token, _reference = _history_of(app, database_url, incidents)
        return client.get("/console/calls").get_data(as_text=True).count("<tr")

    return rows_on_call_log


def test_every_page_sends_as_many_statements_whatever_the_history(
    app: Flask, database_url: str
) -> None:
    small, big = (_counts(app, database_url, size) for size in SIZES)
    assert small == big
    rows = _rows_differ(app, database_url)
    assert rows(SIZES[0]) < rows(SIZES[1])  # the pages did show more rows over the bigger one


def test_the_count_catches_a_page_that_loads_rows_one_by_one(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The call log without its eager load of each call's incident: one statement a row."""
    eager = console.call_log

    def one_by_one(session, limit=200, desks=None):  # type: ignore[no-untyped-def]
        calls = [call for call, _ in eager(session, limit, desks)]
        session.expire_all()  # the incidents are loaded again, lazily, row by row
        return [(c, console.outcome_of(c) if c.ended_at is not None else None) for c in calls]

    monkeypatch.setattr(calls_page, "call_log", one_by_one)
    small, big = (_counts(app, database_url, size) for size in SIZES)
    assert small["/console/calls"] < big["/console/calls"]
