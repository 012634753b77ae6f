"""Two desks on one app, users and tokens with roles on them, and a console client per user.

Until DESKS_FILE exists the line has one desk from the environment; these tests make two out of
it (`tests.support.desks.two_desks`: same hours, other keys and numbers) and put rows in desk B
by setting `desk="b"` on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import (
    Agent,
    AgentDesk,
    Call,
    Closure,
    Disruption,
    Incident,
    MaintenanceWindow,
    OutboxMessage,
    QueueEntry,
)
from ivr.services.users import create_token, create_user
from tests.console.conftest import PASSWORD, csrf_token
from tests.support.desks import two_desks  # the console's tests take it from here too


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


A_REFERENCE, B_REFERENCE = "11112222", "33334444"


@dataclass
class Line:
    """Desk A's and desk B's objects, by name, as ids and references for URLs."""

    a: dict[str, Any]
    b: dict[str, Any]


def _objects(session: Any, desk: str, reference: str, word: str, n: int, now: Any) -> dict:
    """One of everything in `desk`; `word` (Alfa, Bravo) is in every text it shows."""
    call = Call(
        desk=desk,
        call_sid=f"CA{desk}{'0' * 31}",
        from_number=f"+3161234500{n}",
        started_at=now - timedelta(hours=1),
        ended_at=now - timedelta(minutes=55),
        route="open",
        outcome="report",
        agent_name=f"{word} Caller-agent",
    )
    incident = Incident(
        desk=desk,
        reference=reference,
        call=call,
        kind="incident",
        language="nl",
        impact="one_user",
        severity="functions_fail",
        category=3,
        status="open",
        caller_number=f"+3161234500{n}",
        callback_number=f"+3161234500{n}",
        recording_url=f"https://api.twilio.com/2010-04-01/Accounts/AC{n}/Recordings/RE{desk}",
        received_at=now - timedelta(hours=1),
        reaction_due=now + timedelta(hours=3),
        restore_due=now + timedelta(days=2),
        summary=f"{word} printer on fire",
    )
    agent = Agent(name=f"{word} Agent", address=f"+3161234599{n}", languages="nl")
    closure = Closure(
        desk=desk,
        start_date=now.date() + timedelta(days=40 + n),
        end_date=now.date() + timedelta(days=40 + n),
        reason_nl=f"{word} sluiting",
        reason_de=f"{word} Schließung",
    )
    window = MaintenanceWindow(
        desk=desk,
        starts_at=now + timedelta(days=20, hours=n),
        ends_at=now + timedelta(days=20, hours=n + 2),
        announced_at=now,
        description_nl=f"{word} onderhoud",
        description_de=f"{word} Wartung",
    )
    disruption = Disruption(
        desk=desk,
        text_nl=f"{word} storing",
        text_de=f"{word} Störung",
        severity="functions_fail",
        started_at=now - timedelta(minutes=30),
        started_by="someone",
    )
    session.add_all([call, incident, agent, closure, window, disruption])
    session.flush()
    session.add(AgentDesk(agent_id=agent.id, desk=desk))
    text = OutboxMessage(
        desk=desk,
        channel="sms",
        incident_id=incident.id,
        event="sms",
        payload=f"{word} text message",
        recipient=incident.callback_number,
        language="nl",
        dedupe_key=f"test:{desk}",
        next_attempt_at=now,
        created_at=now,
        delivery_status="delivered",
    )
    entry = QueueEntry(
        desk=desk,
        call_sid=f"CA{desk}{'1' * 31}",
        language="nl",
        kind="incident",
        category=n,
        status="waiting",
        mode="line",
        enqueued_at=now - timedelta(minutes=3),
        last_seen_at=now,
    )
    ticket = OutboxMessage(  # a hand-off the ticket system refused
        desk=desk,
        channel="ticket",
        incident_id=incident.id,
        event="incident.created",
        payload=f"{word} ticket",
        next_attempt_at=now,
        created_at=now,
        given_up_at=now,
        connector="webhook",
        system_message=f"{word} refused by the ticket system",
    )
    session.add_all([text, entry, ticket])
    session.commit()
    return {
        "incident": reference,
        "agent": agent.id,
        "closure": closure.id,
        "window": window.id,
        "disruption": disruption.id,
        "text": text.id,
        "ticket": ticket.id,
        "static": "console.css",
    }


def two_desks_with_everything(app: Flask, clock: FixedClock) -> Line:
    """Desks A and B, each with one of everything (`word` Alfa in A's texts, Bravo in B's)."""
    two_desks(app)
    with app.app_context():
        session = get_session()
        now = clock.now()
        return Line(
            _objects(session, "a", A_REFERENCE, "Alfa", 1, now),
            _objects(session, "b", B_REFERENCE, "Bravo", 3, now),
        )
