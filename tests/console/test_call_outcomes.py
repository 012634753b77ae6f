"""A generated month with every kind of call: each call has one outcome from the closed set, the
report counts as abandoned only callers who hung up before being served, and the Calls page
names every outcome in Dutch and German."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.domain.call_outcome import Outcome, classify
from ivr.models import Disruption
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import local
from tests.voice.conftest import Line, incident_of

ANOUK, JONAS = "+31687654321", "+4917612345678"
REPORTER = "+31612000002"


def dial(line: Line, clock: FixedClock, when: datetime, number: str, keys: str) -> TwilioCall:
    clock.set(when)
    call = line.caller(number)
    call.start()
    for key in keys:
        call.press(key)
    return call


@pytest.fixture
def april(line: Line, staff: FlaskClient, clock: FixedClock, agents: None) -> Line:
    line.app.config["AGENT_PHONE_LOGIN"] = True
    # An agent takes an incident (Thursday 1 April 09:00).
    taken = dial(line, clock, local(2027, 4, 1, 9, 0), "+31612000000", "1113")
    line.board.pump()
    assert taken.bridged_to, taken.as_text()
    line.board.finish(taken.bridged_to)
    # A report in hours (chose it rather than wait) and one out of hours.
    for when, number, keys in (
        (local(2027, 4, 1, 10, 0), "+31612000001", "11132"),
        (local(2027, 4, 3, 23, 0), REPORTER, "1113"),
    ):
        call = dial(line, clock, when, number, keys)
        call.record(duration=20)
        call.press("1")
        call.hang_up()
    # The reporter asks how it stands (a returning caller: no language menu).
    reference = incident_of(line.app, call).reference
    status = dial(line, clock, local(2027, 4, 5, 9, 0), REPORTER, "")
    assert "Status" in status.heard, status.as_text()
    status.press("4")
    status.press(reference)
    assert "is ontvangen" in status.heard, status.as_text()
    status.hang_up()
    # A caller joins a known disruption.
    with line.app.app_context():
        session = get_session()
        session.add(Disruption(text_nl="Mail ligt eruit", text_de="Mail ist gestört",
                               severity="functions_fail", started_at=local(2027, 4, 6, 8, 0),
                               started_by="anouk"))  # fmt: skip
        session.commit()
    joined = dial(line, clock, local(2027, 4, 6, 9, 0), "+31612000003", "11")
    assert "Mail ligt eruit" in joined.as_text()
    joined.hang_up()
    with line.app.app_context():
        session = get_session()
        for d in session.scalars(select(Disruption)):
            d.ended_at = local(2027, 4, 6, 12, 0)
        session.commit()
    # An agent logs out and in again by phone (German).
    for when, key in ((local(2027, 4, 7, 17, 0), "2"), (local(2027, 4, 8, 8, 0), "1")):
        agent = dial(line, clock, when, JONAS, key)
        assert agent.waiting_for is None, agent.as_text()
    # Hung up in the menu, after choosing an incident.
    dial(line, clock, local(2027, 4, 8, 10, 0), "+31612000004", "11").hang_up()
    # Anouk is busy: one Dutch caller asks for a callback, another hangs up while waiting.
    busy = dial(line, clock, local(2027, 4, 9, 10, 0), "+31612000005", "12")
    line.board.pump()
    assert busy.bridged_to == ANOUK, busy.as_text()
    callback = dial(line, clock, local(2027, 4, 9, 10, 1), "+31612000006", "12")
    callback.press("1")
    callback.press("1")
    assert callback.waiting_for is None, callback.as_text()
    waiting = dial(line, clock, local(2027, 4, 9, 10, 2), "+31612000007", "12")
    assert waiting.queued, waiting.as_text()
    clock.set(local(2027, 4, 9, 10, 5))
    waiting.hang_up()
    clock.set(local(2027, 5, 3, 12, 0))
    return line


def test_abandoned_counts_only_callers_who_hung_up_before_being_served(april: Line) -> None:
    result = april.app.test_cli_runner().invoke(
        args=["report", "sla", "--month", "2027-04", "--format", "json"]
    )
    line = json.loads(result.output)["line"]
    assert line["calls"] == 11
    assert {o.value: line[o.value] for o in Outcome} == {
        "agent": 2,  # the incident taken at once, and the caller Anouk is still talking to
        "report_in_hours": 1,
        "report_out_of_hours": 1,
        "callback": 1,
        "forwarded": 0,
        "disruption": 1,
        "status": 1,
        "agent_phone": 2,
        "abandoned_menu": 1,
        "abandoned_waiting": 1,
    }
    assert line["abandoned"] == 2


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("nl", ["status van een melding opgevraagd", "gemeld bij een bekende storing",
                "medewerker aan- of afgemeld", "terugbelverzoek", "opgehangen in een menu",
                "opgehangen tijdens het wachten"]),
        ("de", ["Stand einer Meldung erfragt", "einer bekannten Störung zugeordnet",
                "Mitarbeiter an- oder abgemeldet", "Rückruf gewünscht", "im Menü aufgelegt",
                "während des Wartens aufgelegt"]),
    ],
)  # fmt: skip
def test_the_calls_page_names_every_outcome_in_the_users_language(
    april: Line, staff: FlaskClient, language: str, names: list[str]
) -> None:
    page = staff.get("/console/calls", headers={"Accept-Language": language}).get_data(as_text=True)
    cells = re.findall(r'<td data-outcome="([a-z_]*)">([^<]*)</td>', page)
    shown = {value: text for value, text in cells}
    for name in names:
        assert name in shown.values(), (name, shown)
    for english in ("status asked", "affected by a known disruption", "hung up"):
        assert english not in page
    agent_rows = [row for row in page.split("<tr>") if 'data-outcome="agent_phone"' in row]
    assert len(agent_rows) == 2 and all("<td>DE</td>" in row for row in agent_rows)


@pytest.mark.parametrize(
    ("noted", "report", "expected"),
    [
        ("agent answered", True, Outcome.AGENT),
        ("report taken", True, Outcome.REPORT_IN_HOURS),
        ("report taken", False, Outcome.ABANDONED_MENU),
        ("hung up", False, Outcome.ABANDONED_MENU),
        (None, False, Outcome.ABANDONED_MENU),
        ("no agent on duty", False, Outcome.ABANDONED_MENU),
        ("queued", False, Outcome.ABANDONED_WAITING),
        ("left the queue (limit)", False, Outcome.ABANDONED_WAITING),
        ("left the queue (limit)", True, Outcome.REPORT_IN_HOURS),
        ("callback requested", False, Outcome.CALLBACK),
        ("status asked", False, Outcome.STATUS),
        ("status asked", True, Outcome.REPORT_IN_HOURS),
        ("affected by a known disruption", False, Outcome.DISRUPTION),
        ("agent presence", False, Outcome.AGENT_PHONE),
        ("fallback number", False, Outcome.FORWARDED),
    ],
)
def test_every_noted_step_has_one_outcome(
    noted: str | None, report: bool, expected: Outcome
) -> None:
    assert classify(noted, report) is expected
