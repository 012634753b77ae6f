"""`flask --app app demo seed`: a generated history a newcomer can look at (issue 30)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select

from ivr.models import (
    AgentDesk,
    Call,
    Closure,
    Disruption,
    Incident,
    IncidentEvent,
    MaintenanceWindow,
    Offer,
    OutboxMessage,
    QueueEntry,
)
from ivr.services.demo_history import ACTIVE
from tests.console.conftest import staff, user  # noqa: F401  fixtures

N = 2_000


def seed(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["demo", "seed", *args])
    return result.exit_code, result.output


def test_a_history_of_every_kind_and_state(app: Flask, database_url: str) -> None:
    code, output = seed(app, "--incidents", str(N), "--desks", "3", "--database-url", database_url)
    assert code == 0, output
    engine = create_engine(database_url)
    with engine.connect() as connection:

        def count(what: object) -> int:
            return int(connection.scalar(select(func.count()).select_from(what)) or 0)  # type: ignore[arg-type]

        assert count(Incident) == N
        assert count(Call) >= N
        for table in (IncidentEvent, QueueEntry, Offer, OutboxMessage, Disruption, Closure):
            assert count(table) > 0, table
        assert count(MaintenanceWindow) > 0
        kinds = set(connection.execute(select(Incident.kind, Incident.status).distinct()))
        for kind in ("incident", "question", "standard_change"):
            assert {k for k, _ in kinds} >= {kind}
        assert {s for _, s in kinds} == {"partial", "open", "acknowledged", "resolved"}
        unresolved = select(func.count()).where(Incident.status != "resolved")
        assert int(connection.scalar(unresolved) or 0) <= ACTIVE  # the backlog stays small
        desks = set(connection.scalars(select(Incident.desk).distinct()))
        assert desks == set(connection.scalars(select(AgentDesk.desk).distinct()))
        assert len(desks) == 3
        categories = set(connection.scalars(select(Incident.category).distinct()))
        assert categories == {None, 1, 2, 3, 4}
        # Fictitious numbers only: +3197 0 (machine-to-machine, no subscriber's) and +4930555.
        numbers = set(connection.scalars(select(Call.from_number).distinct()))
        unmasked = {n for n in numbers if "*" not in n}
        assert unmasked
        assert all(n.startswith(("+31970", "+4930555")) for n in unmasked), sorted(unmasked)[:3]
    engine.dispose()
    assert "wrote" in output and "DATABASE_URL=" in output


def test_refuses_a_database_with_calls(app: Flask, database_url: str) -> None:
    assert seed(app, "--incidents", "200", "--database-url", database_url)[0] == 0
    code, output = seed(app, "--incidents", "200", "--database-url", database_url)
    assert code == 1
    assert "has calls already" in output
    code, output = seed(
        app, "--incidents", "200", "--database-url", database_url, "--into-existing", "--seed", "7"
    )
    assert code == 0, output


def test_by_default_a_new_sqlite_file_under_instance(app: Flask, tmp_path: Path) -> None:
    app.instance_path = str(tmp_path / "instance")
    code, output = seed(app, "--incidents", "150", "--months", "2")
    assert code == 0, output
    assert (tmp_path / "instance" / "demo-150.sqlite3").exists()


def test_the_console_over_a_generated_history(
    app: Flask,
    database_url: str,
    staff: FlaskClient,  # noqa: F811
) -> None:
    assert seed(app, "--incidents", str(N), "--database-url", database_url)[0] == 0
    page = staff.get("/console/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        newest = connection.scalar(
            select(Incident.reference)
            .where(Incident.status == "open")
            .order_by(Incident.received_at.desc())
        )
    engine.dispose()
    assert newest is not None
    assert f"{newest[:4]} {newest[4:]}" in text or newest in text
    assert staff.get("/console/work-list/live").status_code == 200
    incident = staff.get(f"/console/incidents/{newest}")
    assert incident.status_code == 200
    report = staff.get("/console/report?month=2026-10")
    assert report.status_code == 200
    assert "2026" in report.get_data(as_text=True)
    assert staff.get("/console/board").status_code == 200
    assert staff.get("/console/calls").status_code == 200
