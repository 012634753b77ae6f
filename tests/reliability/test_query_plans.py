"""The hot queries use their indexes on PostgreSQL, over a history big enough to matter (issue 30).

Over a generated history (ivr/services/demo_history.py), each operation a user waits for runs as
in production; its statements are caught with SQLAlchemy's events and explained by PostgreSQL's
planner with the same parameters. Each must be planned with its index, and, with that index
dropped (in a transaction rolled back afterwards), without it: the plan really depends on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from ivr import create_app, migrations
from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.services.demo_history import Plan, generate
from ivr.services.dispatch import claim_next
from ivr.services.queue import QueueSettings
from ivr.services.retention import purge
from ivr.services.users import create_token, create_user
from tests.conftest import POSTGRES_URL, TOKEN, empty_tables, reset_postgres

pytestmark = pytest.mark.postgres

INCIDENTS = 20_000  # enough rows that a scan costs the planner more than the index
NOW = datetime(2026, 11, 28, 22, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
PASSWORD = "plans password 30"


@dataclass(frozen=True)
class Caught:
    statement: str
    parameters: Any


@dataclass
class History:
    app: Flask
    staff: FlaskClient
    token: str
    engine: Engine

    def caught(self, action: Callable[[], object]) -> list[Caught]:
        """The SELECT and DELETE statements `action` sends, with their parameters."""
        found: list[Caught] = []

        def catch(
            _c: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, many: bool
        ) -> None:
            if not many and statement.lstrip().upper().startswith(("SELECT", "DELETE")):
                found.append(Caught(statement, parameters))

        engine = self.app.extensions["ivr.db"].engine
        event.listen(engine, "before_cursor_execute", catch)
        try:
            action()
        finally:
            event.remove(engine, "before_cursor_execute", catch)
        return found

    def plan(self, caught: Caught, drop: str | None = None) -> str:
        """PostgreSQL's plan for `caught`; with `drop`, as if that index did not exist."""
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if drop:  # a unique constraint's index goes with its constraint
                cursor.execute(
                    "SELECT conrelid::regclass::text FROM pg_constraint WHERE conname = %s", (drop,)
                )
                table = cursor.fetchone()
                if table:
                    cursor.execute(f'ALTER TABLE "{table[0]}" DROP CONSTRAINT "{drop}"')
                else:
                    cursor.execute(f'DROP INDEX "{drop}"')
            cursor.execute("EXPLAIN " + caught.statement, caught.parameters)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            raw.rollback()  # the index is back
            raw.close()


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL: set TEST_POSTGRES_URL to run these")
    reset_postgres(POSTGRES_URL)
    migrations.upgrade("head", url=POSTGRES_URL)
    engine = create_engine(POSTGRES_URL)
    generate(engine, Plan(incidents=INCIDENTS, now=NOW))
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": POSTGRES_URL,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "SECRET_KEY": "plans",
            "CLOCK": FixedClock(NOW),
            "SPOOL_DIR": str(tmp_path_factory.mktemp("spool")),
        }
    )
    with app.app_context():
        create_user(get_session(), "lead", PASSWORD)
        token = create_token(get_session(), "plans", NOW)
    staff = app.test_client()
    login = staff.get("/console/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login)
    assert csrf
    staff.post(
        "/console/login",
        data={"username": "lead", "password": PASSWORD, "csrf_token": csrf.group(1)},
    )
    yield History(app, staff, token, engine)
    app.extensions["ivr.db"].engine.dispose()
    engine.dispose()
    empty_tables(POSTGRES_URL)


def _get(history: History, path: str, **kwargs: Any) -> Callable[[], None]:
    def get() -> None:
        assert history.staff.get(path, **kwargs).status_code == 200, path

    return get


def _api(history: History) -> None:
    client = history.app.test_client()
    answer = client.get("/api/incidents", headers={"Authorization": f"Bearer {history.token}"})
    assert answer.status_code == 200


def _incident_page(history: History) -> None:
    with history.engine.connect() as connection:
        reference = connection.scalar(
            text(
                "SELECT i.reference FROM incidents i JOIN outbox o ON o.incident_id = i.id "
                "WHERE o.channel = 'sms' ORDER BY i.id DESC LIMIT 1"
            )
        )
    _get(history, f"/console/incidents/{reference}")()


def _purge(history: History) -> None:
    with history.app.app_context():
        purge(get_session(), NOW, 90)


def _dispatch(history: History) -> None:
    with history.app.app_context():
        database = history.app.extensions["ivr.db"]
        claim_next(database, QueueSettings.from_config(history.app.config), NOW)


OPERATIONS: dict[str, Callable[[History], None]] = {
    "work list": lambda h: _get(h, "/console/")(),
    "work list live": lambda h: _get(h, "/console/work-list/live")(),
    "incident page": _incident_page,
    "report": lambda h: _get(h, "/console/report?month=2026-10")(),
    "call log": lambda h: _get(h, "/console/calls")(),
    "API list": _api,
    "wall board": lambda h: _get(h, "/console/board.json")(),
    "purge": _purge,
    "dispatch": _dispatch,
}

# (operation, a pattern of the statement, the index its plan must use)
EXPECTED = [
    ("work list", r"FROM incidents\s+WHERE incidents\.status IN", "ix_incidents_status"),
    ("work list live", r"FROM incidents\s+WHERE incidents\.status IN", "ix_incidents_status"),
    ("incident page", r"WHERE incidents\.reference =", "uq_incidents_reference"),
    ("incident page", r"FROM incident_events\s+WHERE", "ix_incident_events_incident_id"),
    ("incident page", r"FROM outbox\s+WHERE", "ix_outbox_incident_id"),
    ("report", r"FROM incidents\s+WHERE incidents\.received_at >=", "ix_incidents_received_at"),
    ("report", r"FROM calls\s+WHERE calls\.started_at >=", "ix_calls_started_at"),
    ("report", r"FROM incidents\s+WHERE incidents\.call_id IN", "uq_incidents_call_id"),
    ("report", r"FROM incident_events\s+WHERE", "ix_incident_events_incident_id"),
    ("report", r"FROM queue_entries\s+WHERE", "ix_queue_entries_enqueued_at"),
    # An admin's call log is over every desk: no desk condition, or `WHERE true`.
    (
        "call log",
        r"FROM calls\s+(?:WHERE true\s+)?ORDER BY calls\.started_at DESC",
        "ix_calls_started_at",
    ),
    ("API list", r"ORDER BY incidents\.received_at DESC", "ix_incidents_received_at"),
    # Its `total`, counted up to TOTAL_COUNTED newest first (issue 30).
    (
        "API list",
        r"count\(\*\) AS count_1\s+FROM \(SELECT incidents\.id",
        "ix_incidents_received_at",
    ),
    # A trend month's fingerprint: its incidents' count and last change (services/report_cache).
    ("report", r"max\(incidents\.updated_at\)", "ix_incidents_received_at"),
    (
        "wall board",
        r"FROM queue_entries\s+WHERE queue_entries\.status IN",
        "ix_queue_entries_status",
    ),
    ("purge", r"FROM incidents\s+WHERE incidents\.received_at <", "ix_incidents_unpurged"),
    ("purge", r"FROM calls\s+WHERE calls\.started_at <", "ix_calls_unmasked"),
    ("purge", r"DELETE FROM outbox", "ix_outbox_channel_created_at"),
    ("dispatch", r"FROM queue_entries\s+WHERE queue_entries\.status =", "ix_queue_entries_status"),
]


@pytest.mark.parametrize(
    ("operation", "pattern", "index"),
    EXPECTED,
    ids=[f"{o}: {i}" for o, _p, i in EXPECTED],
)
def test_the_plan_uses_the_index_and_would_not_without_it(
    history: History, operation: str, pattern: str, index: str
) -> None:
    statements = history.caught(lambda: OPERATIONS[operation](history))
    matching = [c for c in statements if re.search(pattern, c.statement)]
    assert matching, f"{operation} sent no statement like {pattern!r}"
    caught = matching[0]
    plan = history.plan(caught)
    assert index in plan, f"{operation}: {caught.statement}\n{plan}"
    without = history.plan(caught, drop=index)
    assert index not in without
    assert without != plan  # another way, not the same plan by another name


def test_every_hot_operation_avoids_scanning_the_history(history: History) -> None:
    """No operation reads a whole table of the history (the small tables are scanned anyway)."""
    # Not offers: the report joins a month's queue entries (found by their index, asserted above)
    # to their offers, and PostgreSQL hashes the offers while that is cheaper than an index probe
    # per entry; bench/scale.py measures that the report's cost does not follow the history.
    big = ("incidents", "calls", "incident_events", "outbox", "queue_entries")
    scanned = []
    for name, operation in OPERATIONS.items():
        if name == "API list":
            continue  # its total counts every matching incident (an index-only scan at best)
        for caught in history.caught(lambda operation=operation: operation(history)):
            plan = history.plan(caught)
            for table in re.findall(r"Seq Scan on (\w+)", plan):
                if table in big:
                    scanned.append(f"{name}: {table}: {caught.statement[:160]}")
    assert not scanned, "\n".join(scanned)


def test_the_generated_history_is_big_enough(history: History) -> None:
    with history.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM incidents")) == INCIDENTS
        old = connection.scalar(
            text("SELECT count(*) FROM incidents WHERE received_at < :t"),
            {"t": NOW - timedelta(days=90)},
        )
    assert old > INCIDENTS * 0.8  # most of it is history the hot queries must not read
