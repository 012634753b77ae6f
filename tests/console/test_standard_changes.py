"""Standard changes with their own due time and state, and support incidents reported apart:
the console, the API and the export (issue 13)."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ivr.db import get_session
from ivr.services.agents import add_agent
from ivr.services.users import create_token
from tests.conftest import local
from tests.console.conftest import post_form
from tests.console.test_work import rows
from tests.voice.conftest import incident_of

FRIDAY_EVENING = local(2027, 5, 14, 20, 0)  # before Whitsun: Monday 17 May is a holiday


@pytest.fixture
def api(app: Flask, client: FlaskClient, clock):  # type: ignore[no-untyped-def]
    with app.app_context():
        token = create_token(get_session(), "ticket-sync", clock.now())
    return lambda path: client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_a_standard_change_shows_its_due_time_and_state_everywhere(
    app: Flask,
    staff: FlaskClient,
    api,
    report,
    clock,
) -> None:
    change = report(FRIDAY_EVENING, "13")  # Nederlands, standard change
    clock.set(local(2027, 5, 18, 10, 0))
    (row,) = rows(staff.get("/console/").get_data(as_text=True))
    assert "standard change" in row and "due Wed 19 May 17:00" in row and "on time" in row
    clock.set(local(2027, 5, 19, 16, 0))  # one of 17 opening hours left
    page = staff.get(f"/console/incidents/{change}").get_data(as_text=True)
    assert "Change due" in page and '<span class="sla due_soon">due soon</span>' in page
    record = api(f"/api/incidents/{change}").json
    assert record["change_due"] == "2027-05-19T17:00:00+02:00"
    assert record["change_state"] == "due_soon"
    clock.set(local(2027, 5, 19, 17, 0))  # not carried out by closing time: late
    exported = app.test_cli_runner().invoke(args=["incidents", "export"]).output
    assert json.loads(exported)["change_state"] == "breached"


def test_an_incident_is_not_a_standard_change(app, api, report, clock) -> None:
    reference = report(FRIDAY_EVENING, "1111")
    record = api(f"/api/incidents/{reference}").json
    assert (record["change_due"], record["change_state"]) == (None, None)


def test_support_incidents_are_reported_apart_from_faults(
    app: Flask,
    staff: FlaskClient,
    api,
    report,
    clock,
) -> None:
    fault = report(FRIDAY_EVENING, "1111")
    support = report(FRIDAY_EVENING, "1133", caller="+31687654321")
    page = f"/console/incidents/{support}"
    post_form(staff, page, f"{page}/support", support="1")
    shown = staff.get(page).get_data(as_text=True)
    assert "support incident" in shown and "marked as support incident" in shown
    assert [i["reference"] for i in api("/api/incidents?support=yes").json["incidents"]] == [
        support
    ]
    assert [i["reference"] for i in api("/api/incidents?support=no").json["incidents"]] == [fault]
    assert api("/api/incidents?support=maybe").status_code == 400
    runner = app.test_cli_runner()
    only_support = runner.invoke(args=["incidents", "export", "--support"]).output.splitlines()
    assert [json.loads(line)["reference"] for line in only_support] == [support]
    faults = runner.invoke(args=["incidents", "export", "--faults"]).output.splitlines()
    assert [json.loads(line)["support_incident"] for line in faults] == [False]
    post_form(staff, page, f"{page}/support", support="0")
    assert api("/api/incidents?support=yes").json["total"] == 0


# The Friday before Whitsun (Monday 17 May 2027 is a holiday) and the Thursday before Easter
# (Good Friday 26 March and Easter Monday 29 March 2027 are closed): checked against the
# `holidays` package's NL list, which the desk's calendar is built from.
DUE_DAYS = [
    (local(2027, 5, 14, 10, 0), local(2027, 5, 19, 17, 0), "Wed 19 May 17:00"),
    (local(2027, 3, 25, 10, 0), local(2027, 3, 31, 17, 0), "Wed 31 Mar 17:00"),
]
HEARD_DUE = {
    ("nl", 19): "uiterlijk op woensdag 19 mei om 17:00",
    ("de", 19): "spätestens am Mittwoch, 19. Mai um 17:00 Uhr",
    ("nl", 31): "uiterlijk op woensdag 31 maart om 17:00",
    ("de", 31): "spätestens am Mittwoch, 31. März um 17:00 Uhr",
}
WHISPERED_DUE = {
    "nl": "Uit te voeren uiterlijk op woensdag",
    "de": "Auszuführen spätestens am Mittwoch",
}


@pytest.mark.parametrize("lang", ["nl", "de"])
@pytest.mark.parametrize(("requested", "due", "shown"), DUE_DAYS)
def test_in_hours_a_standard_change_hears_its_due_day_while_waiting(
    line, staff: FlaskClient, clock, lang: str, requested, due, shown
) -> None:
    clock.set(requested)
    with line.app.app_context():
        add_agent(get_session(), "Anouk", "+31687000001", "nl")
        add_agent(get_session(), "Jonas", "+4917600000002", "de")
    call = line.caller("+31612345678" if lang == "nl" else "+4915123456789")
    call.start()
    call.press("1" if lang == "nl" else "2")
    call.press("3")  # standard change
    assert call.queued, call.as_text()
    heard = " ".join(h.text for h in call.transcript if h.kind == "say")
    assert HEARD_DUE[(lang, due.day)] in heard  # in the first round of waiting
    line.board.pump()  # the agent's phone: the whisper repeats it, 1 takes the call
    (leg,) = line.board.legs.values()
    whisper = " ".join(h.text for h in leg.transcript if h.kind == "say")
    assert WHISPERED_DUE[lang] in whisper and f" {due.day}" in whisper
    assert line.board.connected == [(leg.to_number, call.call_sid)]
    incident = incident_of(line.app, call)
    assert (incident.kind, incident.change_due) == ("standard_change", due)
    (row,) = rows(staff.get("/console/").get_data(as_text=True))
    assert f"due {shown}" in row


@pytest.mark.parametrize("lang", ["nl", "de"])
def test_out_of_hours_the_same_friday_evening_is_due_the_same_day(
    app: Flask, phone, clock, lang: str
) -> None:
    clock.set(FRIDAY_EVENING)
    call = phone("+31612345678" if lang == "nl" else "+4915123456789")
    call.start()
    call.press("1" if lang == "nl" else "2")
    call.press("3")  # standard change
    call.record(duration=20)
    call.press("1")  # the callback number is right
    assert HEARD_DUE[(lang, 19)] in call.heard
    assert call.waiting_for is None
    assert incident_of(app, call).change_due == local(2027, 5, 19, 17, 0)
