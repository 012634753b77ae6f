"""The retention purge in batches (issue 30): every old row once, however many batches it takes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, update

from ivr.db import get_session
from ivr.models import Call, Incident
from ivr.services import retention
from ivr.services.demo_history import Plan, generate


def test_a_purge_in_many_batches_masks_every_old_number_once(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = app.config["CLOCK"].now()
    # Generated as if 200 days ago: what is older than 290 days is masked, the rest is not.
    engine = create_engine(database_url)
    generate(engine, Plan(incidents=400, months=12, now=now - timedelta(days=200)))
    cutoff = now - timedelta(days=90)
    with engine.begin() as connection:  # many at the same instant: batches end amid a tie
        connection.execute(
            update(Incident)
            .where(Incident.id % 3 == 0, Incident.received_at < cutoff)
            .values(received_at=cutoff - timedelta(days=30))
        )
    with engine.connect() as connection:
        due = connection.scalar(
            select(func.count()).where(
                Incident.received_at < cutoff, ~Incident.caller_number.contains("*")
            )
        )
        recent = set(
            connection.execute(
                select(Incident.id, Incident.caller_number).where(Incident.received_at >= cutoff)
            )
        )
    assert due and due > 20
    monkeypatch.setattr(retention, "BATCH", 7)
    with app.app_context():
        # No Twilio credentials: recordings stay (the next purge tries again), numbers go.
        result = retention.purge(get_session(), now, 90)
    assert result.incidents >= due
    assert result.not_erased > 0
    with engine.connect() as connection:
        left = connection.scalar(
            select(func.count()).where(
                Incident.received_at < cutoff, ~Incident.caller_number.contains("*")
            )
        )
        calls_left = connection.scalar(
            select(func.count()).where(Call.started_at < cutoff, ~Call.from_number.contains("*"))
        )
        still = set(
            connection.execute(
                select(Incident.id, Incident.caller_number).where(Incident.received_at >= cutoff)
            )
        )
    engine.dispose()
    assert left == 0 and calls_left == 0
    assert still == recent  # what is younger than the retention is untouched
    with app.app_context():
        again = retention.purge(get_session(), now, 90)
    # Only the recordings Twilio could not erase are found again; no number is masked twice.
    assert again.calls == 0
    assert again.incidents == result.not_erased
