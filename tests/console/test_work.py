"""The servicedesk's work: the list in SLA order, the morning view, an incident, ack and resolve."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from ivr.clock import FixedClock
from tests.conftest import local
from tests.console.conftest import post_form

SATURDAY_NIGHT = local(2026, 11, 28, 22, 0)
MONDAY_0900 = local(2026, 11, 30, 9, 0)


def rows(page: str) -> list[str]:
    """The work list's rows, reference first, as text."""
    body = page.split("<tbody>")[1].split("</tbody>", maxsplit=1)[0]
    cells = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.DOTALL)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in cells]


def reference_of(row: str) -> str:
    return "".join(row.split()[:2])


def test_work_list_orders_by_sla_urgency(staff: FlaskClient, report, clock: FixedClock) -> None:
    # Reaction targets from Monday 08:30: category 4 at 12:30, 1 at 09:00, 2 at 09:30.
    cat4 = report(SATURDAY_NIGHT, "1133")
    cat1 = report(SATURDAY_NIGHT, "1111", caller="+31687654321")
    cat2 = report(SATURDAY_NIGHT, "1112", caller="+31611112222")
    clock.set(local(2026, 11, 30, 9, 20))
    listed = rows(staff.get("/console/").get_data(as_text=True))
    assert [reference_of(r) for r in listed] == [cat1, cat2, cat4]
    assert "breached" in listed[0] and "due soon" in listed[1] and "on time" in listed[2]
    assert "+316******21" in listed[0] and "+31612345678" not in staff.get("/console/").get_data(
        as_text=True
    )
    assert "Mon 30 Nov 09:00" in listed[0]  # reaction due, in the desk's time


def test_filters(staff: FlaskClient, report, clock: FixedClock) -> None:
    report(SATURDAY_NIGHT, "1111")
    cat3 = report(local(2026, 11, 30, 10, 0), "1122", caller="+31687654321")  # in hours
    clock.set(local(2026, 11, 30, 10, 5))
    in_hours = rows(staff.get("/console/?out_of_hours=no").get_data(as_text=True))
    assert len(in_hours) == 1 and in_hours[0].startswith(f"{cat3[:4]} {cat3[4:]}")
    assert len(rows(staff.get("/console/?category=1").get_data(as_text=True))) == 1
    assert len(rows(staff.get("/console/?sla=breached").get_data(as_text=True))) == 1
    assert "Nothing open" in staff.get("/console/?category=4").get_data(as_text=True)


def test_morning_view_shows_what_came_in_since_closing(staff, report, clock: FixedClock) -> None:
    report(local(2026, 11, 27, 16, 0), "1111")  # Friday afternoon, in hours
    night = report(SATURDAY_NIGHT, "1112", caller="+31687654321")
    clock.set(local(2026, 11, 30, 8, 35))
    page = staff.get("/console/?view=morning").get_data(as_text=True)
    assert "Taken since we closed" in page and "Fri 27 Nov 17:00" in page
    assert [reference_of(r) for r in rows(page)] == [night]


def test_incident_page_shows_every_answer(staff: FlaskClient, report, clock) -> None:
    reference = report(SATURDAY_NIGHT, "2121")  # German, incident, several users, cannot work
    clock.set(MONDAY_0900)
    page = staff.get(f"/console/incidents/{reference}").get_data(as_text=True)
    for text in ("German", "several users", "cannot make calls", '<dd class="cat">2</dd>',
                 'href="tel:+31612345678"', "out of hours", "Mon 30 Nov 09:30"):  # fmt: skip
        assert text in page, text
    assert "api.twilio.com" not in page  # the recording is only reachable through the app
    assert "cannot be fetched: TWILIO_ACCOUNT_SID is not configured" in page


def test_acknowledge_stops_the_reaction_clock_and_resolve_ends_it(
    app: Flask, staff: FlaskClient, report, clock: FixedClock
) -> None:
    reference = report(SATURDAY_NIGHT, "1111")
    clock.set(local(2026, 11, 30, 8, 45))  # 15 of 30 minutes left: on time
    page = f"/console/incidents/{reference}"
    assert "on time" in staff.get(page).get_data(as_text=True)
    post_form(staff, page, f"{page}/acknowledge")
    clock.set(local(2026, 11, 30, 10, 0))  # the reaction target has passed, but it was met
    shown = staff.get(page).get_data(as_text=True)
    assert "Mon 30 Nov 08:45 by anouk" in shown and '<span class="sla met">met</span>' in shown
    assert "acknowledged" in rows(staff.get("/console/").get_data(as_text=True))[0]
    post_form(staff, page, f"{page}/resolve")
    assert "Nothing open" in staff.get("/console/").get_data(as_text=True)
    assert "Mon 30 Nov 10:00 by anouk" in staff.get(page).get_data(as_text=True)


def test_unknown_incident(staff: FlaskClient) -> None:
    assert staff.get("/console/incidents/00000000").status_code == 404


def test_call_log(staff: FlaskClient, report, clock) -> None:
    reference = report(SATURDAY_NIGHT, "1111")
    page = staff.get("/console/calls").get_data(as_text=True)
    assert reference in page and "+316******78" in page and "NL" in page


def test_acknowledged_at_exactly_the_target_is_late(staff: FlaskClient, report, clock) -> None:
    reference = report(SATURDAY_NIGHT, "1111")  # category 1: "< 30 min" from Monday 08:30
    clock.set(local(2026, 11, 30, 9, 0))
    page = f"/console/incidents/{reference}"
    post_form(staff, page, f"{page}/acknowledge")
    assert '<span class="sla breached">breached</span>' in staff.get(page).get_data(as_text=True)
