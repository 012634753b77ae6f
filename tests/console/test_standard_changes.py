"""Standard changes with their own due time and state, and support incidents reported apart:
the console, the API and the export (issue 13)."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ivr.db import get_session
from ivr.services.users import create_token
from tests.conftest import local
from tests.console.conftest import post_form
from tests.console.test_work import rows

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
