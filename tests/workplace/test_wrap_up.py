"""Wrap-up after a call, end to end: a caller is bridged to Anna, the call ends, Anna's console
shows the incident with the wrap-up form, and her disposition sets the incident's state."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Agent, Incident, OutboxMessage
from ivr.services.users import set_language
from tests.conftest import local
from tests.console.conftest import csrf_token
from tests.voice.conftest import Line, incident_of
from tests.workplace.conftest import agent_user, heartbeat, logged_in, queue_up

OPEN = local(2026, 11, 24, 10, 0)
ANNA = "client:anna"
CALLER = "+31612340009"
FORM = {
    "nl": ("Hoe is het gesprek afgelopen?", "Opgelost tijdens het gesprek"),
    "de": ("Wie endete der Anruf?", "Im Gespräch gelöst"),
}
RESOLVED_TEXT = {"nl": "uw melding", "de": "Ihre Meldung"}


@pytest.fixture
def desk(softphone_line: Line, clock: FixedClock) -> Line:
    clock.set(OPEN)
    agent_user(softphone_line.app, "Anna", ANNA, "anna", "nl,de")
    return softphone_line


def after_a_call(
    line: Line, caller_language: str, console_language: str
) -> tuple[FlaskClient, Incident]:
    with line.app.app_context():
        set_language(get_session(), "anna", console_language)
    anna = logged_in(line.app, "anna")
    heartbeat(anna)
    call = queue_up(line, caller_language, CALLER)
    line.board.pump()
    assert call.bridged_to == ANNA
    line.board.finish(ANNA)  # the conversation ends: Anna is in wrap-up
    return anna, incident_of(line.app, call)


def wrap_up(anna: FlaskClient, **fields: str):  # type: ignore[no-untyped-def]
    pop = anna.get("/console/pop?page=/console/").get_data(as_text=True)
    offer = pop.split('name="offer" value="')[1].split('"')[0]
    return anna.post(
        "/console/wrap-up",
        data={
            "csrf_token": csrf_token(anna, "/console/"),
            "offer": offer,
            "next": "/console/",
            **fields,
        },
    )


def presence(line: Line) -> str:
    with line.app.app_context():
        return get_session().scalars(select(Agent).where(Agent.name == "Anna")).one().presence


def texts_to_caller(line: Line) -> list[str]:
    with line.app.app_context():
        rows = get_session().scalars(select(OutboxMessage).where(OutboxMessage.recipient == CALLER))
        return [json.loads(row.payload)["body"] for row in rows]


@pytest.mark.parametrize("language", ["nl", "de"])
def test_solved_on_the_call_resolves_and_the_caller_is_told(desk: Line, language: str) -> None:
    anna, incident = after_a_call(desk, language, language)
    pop = anna.get("/console/pop?page=/console/").get_data(as_text=True)
    legend, solved = FORM[language]
    assert legend in pop and solved in pop
    assert f"{incident.reference[:4]} {incident.reference[4:]}" in pop
    assert presence(desk) == "wrap_up"
    response = wrap_up(anna, disposition="solved", note="printer driver reinstalled", ready="1")
    assert response.status_code == 302
    after = incident_of_reference(desk, incident.reference)
    assert after.status == "resolved" and after.resolved_by == "anna"
    assert [e.kind for e in after.history][-2:] == ["resolved", "wrap_up_solved"]
    assert after.history[-1].text == "printer driver reinstalled"
    assert any(RESOLVED_TEXT[language] in body for body in texts_to_caller(desk))
    assert presence(desk) == "available"  # "Save and ready"
    page = anna.get(f"/console/incidents/{incident.reference}").get_data(as_text=True)
    assert "printer driver reinstalled" in page
    assert {
        "nl": "Nawerk: opgelost tijdens het gesprek",
        "de": "Nachbearbeitung: im Gespräch gelöst",
    }[language] in page


@pytest.mark.parametrize(
    ("disposition", "status"),
    [
        ("follow_up", "acknowledged"),
        ("second_line", "acknowledged"),
        ("question", "resolved"),
    ],
)
@pytest.mark.parametrize("language", ["nl", "de"])
def test_other_dispositions(desk: Line, disposition: str, status: str, language: str) -> None:
    anna, incident = after_a_call(desk, language, language)
    assert wrap_up(anna, disposition=disposition, note="", ready="0").status_code == 302
    after = incident_of_reference(desk, incident.reference)
    assert after.status == status
    assert after.history[-1].kind == f"wrap_up_{disposition}"
    # Only "solved on the call" sends the resolution message (a question was answered on the phone).
    assert not any(RESOLVED_TEXT[language] in body for body in texts_to_caller(desk))
    assert presence(desk) == "wrap_up"  # saved, not ready yet: the form says so
    pop = anna.get("/console/pop?page=/console/").get_data(as_text=True)
    assert "wrap-up-form" not in pop and 'class="saved"' in pop
    ready = anna.post(
        "/console/wrap-up/ready",
        data={"csrf_token": csrf_token(anna, "/console/"), "next": "/console/"},
    )
    assert ready.status_code == 302 and presence(desk) == "available"
    assert anna.get("/console/pop").get_data(as_text=True).strip() == ""


def test_a_wrap_up_without_a_disposition_is_refused(desk: Line) -> None:
    anna, incident = after_a_call(desk, "nl", "nl")
    response = wrap_up(anna, disposition="", note="")
    assert response.status_code == 302
    assert "Kies hoe het gesprek is afgelopen." in anna.get("/console/").get_data(as_text=True)
    assert incident_of_reference(desk, incident.reference).status == "acknowledged"


def incident_of_reference(line: Line, reference: str) -> Incident:
    with line.app.app_context():
        session = get_session()
        row = session.scalars(select(Incident).where(Incident.reference == reference)).one()
        list(row.history)
        return row
