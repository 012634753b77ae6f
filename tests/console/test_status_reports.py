"""The status report clock and the incident's history, end to end: a caller reports by phone in
Dutch or German, the desk sees when the next report is due, writes updates, agrees appointments."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.services.users import create_token
from tests.conftest import local
from tests.console.conftest import post_form
from tests.console.test_work import reference_of, rows

CHRISTMAS_EVE_1600 = local(2026, 12, 24, 16, 0)  # Thursday; then two Christmas days, a Sunday


@pytest.fixture
def api(app: Flask, client: FlaskClient, clock):  # type: ignore[no-untyped-def]
    with app.app_context():
        token = create_token(get_session(), "ticket-sync", clock.now())
    return lambda path: client.get(path, headers={"Authorization": f"Bearer {token}"}).get_json()


def report_cells(page: str) -> list[str]:
    """The work list's "Report due" cell of each row, as text."""
    body = page.split("<tbody>")[1].split("</tbody>", maxsplit=1)[0]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.DOTALL) for r in body.split("</tr>")[:-1]]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row[10])).strip() for row in cells]


def export(app: Flask) -> dict[str, dict]:
    result = app.test_cli_runner().invoke(args=["incidents", "export"])
    return {r["reference"]: r for r in map(json.loads, result.output.splitlines())}


@pytest.mark.parametrize(
    ("keys", "caller", "category", "due"),
    [
        # Dutch, category 1: one hour on Thursday, one on Monday 28 December.
        ("1111", "+31612345678", 1, local(2026, 12, 28, 9, 30)),
        # German, category 2: one hour Thursday, three Monday.
        ("2112", "+4915123456789", 2, local(2026, 12, 28, 11, 30)),
        # Dutch, category 3: one hour Thursday, five Monday.
        ("1122", "+31687654321", 3, local(2026, 12, 28, 13, 30)),
    ],
)
def test_report_due_in_opening_time_over_christmas_and_the_weekend(
    app: Flask, staff: FlaskClient, report, api, clock: FixedClock, keys, caller, category, due
) -> None:
    reference = report(CHRISTMAS_EVE_1600, keys, caller=caller)  # no agent on duty: a report
    record = api(f"/api/incidents/{reference}")
    assert record["category"] == category
    assert record["status_report_due"] == due.isoformat()
    assert export(app)[reference]["status_report_due"] == due.isoformat()
    (cell,) = report_cells(staff.get("/console/").get_data(as_text=True))
    assert cell == f"{due:%a %d %b %H:%M} on time"
    clock.set(local(2026, 12, 28, 9, 10))  # 20 minutes left for category 1: the last quarter
    (cell,) = report_cells(staff.get("/console/").get_data(as_text=True))
    assert cell.endswith("due soon" if category == 1 else "on time")
    clock.set(due)
    (cell,) = report_cells(staff.get("/console/").get_data(as_text=True))
    assert cell.endswith("overdue")


def test_saturday_night_report_due_one_interval_after_monday_opening(staff, report, api) -> None:
    reference = report(local(2026, 11, 28, 22, 0), "1122")  # category 3: six hours
    assert api(f"/api/incidents/{reference}")["status_report_due"] == (
        local(2026, 11, 30, 14, 30).isoformat()
    )


@pytest.mark.parametrize(("keys", "language", "text"), [
    ("1111", "Dutch", "De centrale is herstart, we testen nu."),
    ("2111", "German", "Die Zentrale wurde neu gestartet, wir testen jetzt."),
])  # fmt: skip
def test_status_update_is_kept_with_author_and_language_and_resets_the_clock(
    staff: FlaskClient, report, api, clock: FixedClock, keys, language, text
) -> None:
    reference = report(CHRISTMAS_EVE_1600, keys)
    page = f"/console/incidents/{reference}"
    clock.set(local(2026, 12, 28, 9, 0))
    assert f"Status update, in {language}" in staff.get(page).get_data(as_text=True)
    post_form(staff, page, f"{page}/updates", text=text)
    record = api(f"/api/incidents/{reference}")
    assert record["status_report_due"] == local(2026, 12, 28, 11, 0).isoformat()
    (update,) = [h for h in record["history"] if h["kind"] == "update"]
    assert (update["text"], update["author"], update["language"]) == (
        text, "anouk", {"Dutch": "nl", "German": "de"}[language]
    )  # fmt: skip
    assert update["at"] == local(2026, 12, 28, 9, 0).isoformat()
    shown = staff.get(page).get_data(as_text=True)
    assert text in shown and "Mon 28 Dec 11:00" in shown
    # An empty update is refused and changes nothing.
    post_form(staff, page, f"{page}/updates", text="   ")
    assert len(api(f"/api/incidents/{reference}")["history"]) == 1


def test_acknowledge_and_resolve_are_history_events(staff, report, api, clock) -> None:
    reference = report(local(2026, 11, 30, 10, 0), "1111")
    page = f"/console/incidents/{reference}"
    clock.set(local(2026, 11, 30, 10, 10))
    post_form(staff, page, f"{page}/acknowledge")
    clock.set(local(2026, 11, 30, 11, 0))
    post_form(staff, page, f"{page}/resolve")
    record = api(f"/api/incidents/{reference}")
    assert [(h["kind"], h["author"], h["at"]) for h in record["history"]] == [
        ("acknowledged", "anouk", local(2026, 11, 30, 10, 10).isoformat()),
        ("resolved", "anouk", local(2026, 11, 30, 11, 0).isoformat()),
    ]
    assert record["status_report_due"] is None  # the resolution was the last report


def test_category_4_gets_an_agreed_appointment_for_restore_and_report(
    staff: FlaskClient, report, api, clock: FixedClock
) -> None:
    reference = report(local(2026, 11, 28, 22, 0), "1133")  # only me, cumbersome
    record = api(f"/api/incidents/{reference}")
    assert (record["category"], record["restore_due"], record["status_report_due"]) == (
        4, None, None
    )  # fmt: skip
    page = f"/console/incidents/{reference}"
    clock.set(local(2026, 11, 30, 9, 0))
    assert "by appointment: agree one below" in staff.get(page).get_data(as_text=True)
    post_form(staff, page, f"{page}/appointment", when="2026-12-02T14:00")
    record = api(f"/api/incidents/{reference}")
    agreed = local(2026, 12, 2, 14, 0).isoformat()
    assert record["appointment_at"] == record["restore_due"] == agreed
    assert record["status_report_due"] == agreed
    assert record["history"][-1]["kind"] == "appointment"
    (row,) = rows(staff.get("/console/").get_data(as_text=True))
    assert reference_of(row) == reference and "Wed 02 Dec 14:00" in row
    # An update before the appointment keeps the report due at the appointment.
    post_form(staff, page, f"{page}/updates", text="We komen woensdag langs.")
    assert api(f"/api/incidents/{reference}")["status_report_due"] == agreed


def test_appointment_only_for_category_4(staff, report, api, clock) -> None:
    reference = report(local(2026, 11, 28, 22, 0), "1111")
    page = f"/console/incidents/{reference}"
    reply = post_form(staff, page, f"{page}/appointment", when="2026-12-02T14:00")
    assert "category 4" in staff.get(reply.location).get_data(as_text=True)
    assert api(f"/api/incidents/{reference}")["appointment_at"] is None


def test_restore_deadline_corrected_with_a_reason(staff, report, api, clock) -> None:
    reference = report(local(2026, 11, 28, 22, 0), "1111")  # restore due Monday 12:30
    page = f"/console/incidents/{reference}"
    clock.set(local(2026, 11, 30, 9, 0))
    reply = post_form(staff, page, f"{page}/restore-due", when="2026-11-30T16:00", reason="")
    assert "Say why" in staff.get(reply.location).get_data(as_text=True)
    post_form(
        staff, page, f"{page}/restore-due", when="2026-11-30T16:00", reason="Leverancier belt om 15"
    )
    record = api(f"/api/incidents/{reference}")
    assert record["restore_due"] == local(2026, 11, 30, 16, 0).isoformat()
    (change,) = record["history"]
    assert change["kind"] == "restore_corrected" and change["text"] == "Leverancier belt om 15"
    assert change["previous_at"] == local(2026, 11, 30, 12, 30).isoformat()
    page_text = re.sub(r"\s+", " ", staff.get(page).get_data(as_text=True))
    assert "Restore deadline changed" in page_text and "Leverancier belt om 15" in page_text
