"""Acknowledging, resolving and ending a disruption in parallel each leave one history entry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Disruption, IncidentEvent, OutboxMessage
from ivr.services.console import find
from tests.conftest import local
from tests.console.test_parallel import PARALLEL, at_once


def kinds(app: Flask, reference: str) -> list[str]:
    with app.app_context():
        session = get_session()
        incident = find(session, reference)
        assert incident is not None
        return [e.kind for e in session.scalars(
            select(IncidentEvent).where(IncidentEvent.incident_id == incident.id))]  # fmt: skip


def test_parallel_acknowledges_write_one_history_entry(
    app: Flask, user: str, report: Callable[[datetime], str], clock: FixedClock
) -> None:
    reference = report(local(2026, 11, 24, 10, 0))
    page = f"/console/incidents/{reference}"
    statuses = at_once(app, user, page, f"{page}/acknowledge", [{}] * PARALLEL)
    assert statuses == [302] * PARALLEL
    assert kinds(app, reference).count("acknowledged") == 1


def test_parallel_resolves_write_one_resolution_and_one_message(
    app: Flask, user: str, report: Callable[[datetime], str], clock: FixedClock
) -> None:
    reference = report(local(2026, 11, 24, 10, 0))
    page = f"/console/incidents/{reference}"
    statuses = at_once(app, user, page, f"{page}/resolve", [{}] * PARALLEL)
    assert statuses == [302] * PARALLEL
    assert sorted(kinds(app, reference)) == ["acknowledged", "resolved"]
    with app.app_context():
        resolved = get_session().scalars(
            select(OutboxMessage).where(OutboxMessage.event.like("%resolved%"))
        )
        assert len(resolved.all()) <= 1


def test_parallel_ends_of_a_disruption_update_each_incident_once(
    app: Flask, user: str, report: Callable[[datetime], str], clock: FixedClock
) -> None:
    reference = report(local(2026, 11, 24, 10, 0))
    with app.app_context():
        session = get_session()
        incident = find(session, reference)
        session.add(Disruption(text_nl="Mail ligt eruit", text_de="Mail ist gestört",
                               severity="functions_fail", incident=incident,
                               started_at=clock.now(), started_by="anouk"))  # fmt: skip
        session.commit()
        disruption_id = session.scalars(select(Disruption.id)).one()
    page = f"/console/disruptions/{disruption_id}"
    statuses = at_once(app, user, page, f"{page}/end", [{}] * PARALLEL)
    assert statuses == [302] * PARALLEL
    assert kinds(app, reference).count("update") == 1
