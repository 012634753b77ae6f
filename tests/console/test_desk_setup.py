"""Agents, closures and planned maintenance, kept from the console by the seed's rules."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Agent, Closure, MaintenanceWindow
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, local
from tests.console.conftest import post_form


def test_add_an_agent_with_a_validated_number(app: Flask, staff: FlaskClient) -> None:
    response = post_form(
        staff, "/console/agents", "/console/agents", name="Jonas", number="06 1234 5678",
        languages="de",
    )  # fmt: skip
    assert response.status_code == 302
    page = staff.get("/console/agents").get_data(as_text=True)
    assert "Jonas added, on duty, ringing +31612345678." in page
    with app.app_context():
        agent = get_session().scalars(select(Agent)).one()
        assert (agent.address, agent.languages, agent.on_duty) == ("+31612345678", "de", True)


def test_an_invalid_number_is_refused_with_the_reason(app: Flask, staff: FlaskClient) -> None:
    post_form(staff, "/console/agents", "/console/agents", name="X", number="12", languages="nl")
    page = staff.get("/console/agents").get_data(as_text=True)
    assert 'class="flash error"' in page and "No agents yet" in page


def test_presence_in_one_click(app: Flask, staff: FlaskClient, agents) -> None:
    with app.app_context():
        anouk = get_session().scalars(select(Agent).where(Agent.name == "Anouk")).one()
    post_form(staff, "/console/agents", f"/console/agents/{anouk.id}/duty", on_duty="0")
    assert "Anouk is off duty." in staff.get("/console/agents").get_data(as_text=True)
    with app.app_context():
        row = get_session().get(Agent, anouk.id)
        assert (row.on_duty, row.presence) == (False, "away")
    post_form(staff, "/console/agents", f"/console/agents/{anouk.id}/duty", on_duty="1")
    assert "Anouk is on duty." in staff.get("/console/agents").get_data(as_text=True)
    with app.app_context():
        assert get_session().get(Agent, anouk.id).presence == "available"


def test_maintenance_by_the_rules_is_planned(app: Flask, staff, clock: FixedClock) -> None:
    clock.set(local(2026, 12, 1, 10, 0))
    response = post_form(
        staff,
        "/console/calendar",
        "/console/maintenance",
        start="2026-12-05T22:00",
        end="2026-12-06T02:00",
        description_nl="Telefooncentrale",
        description_de="Telefonanlage",
        consulted_party="ict_partner",  # only after consultation (seed 004)
        consulted_name="Jan de Vries",
        consulted_on="2026-11-30",
    )
    assert response.status_code == 302
    page = staff.get("/console/calendar").get_data(as_text=True)
    assert "Sat 05 Dec 22:00" in page and "announced to callers now" not in page
    clock.set(local(2026, 12, 2, 22, 0))  # three days before it starts
    assert "announced to callers now" in staff.get("/console/calendar").get_data(as_text=True)
    with app.app_context():
        window = get_session().scalars(select(MaintenanceWindow)).one()
        assert window.announced_at == local(2026, 12, 1, 10, 0)


def test_maintenance_breaking_rules_shows_every_violation(app, staff, clock: FixedClock) -> None:
    clock.set(local(2026, 12, 3, 10, 0))
    response = post_form(
        staff,
        "/console/calendar",
        "/console/maintenance",
        start="2026-12-04T16:00",
        end="2026-12-04T18:00",
        description_nl="Onderhoud",
        description_de="Wartung",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "outside opening hours" in page
    assert "announced at least 3 days ahead" in page
    assert 'value="2026-12-04T16:00"' in page  # the form keeps what was typed
    with app.app_context():
        assert get_session().scalars(select(MaintenanceWindow)).all() == []


def test_closure_is_announced_to_callers(app: Flask, staff: FlaskClient, phone, clock) -> None:
    post_form(
        staff,
        "/console/calendar",
        "/console/closures",
        start="2027-05-07",
        end="2027-05-07",
        reason_nl="de dag na Hemelvaart",
        reason_de="Brückentag",
    )
    assert "Closure saved." in staff.get("/console/calendar").get_data(as_text=True)
    clock.set(local(2027, 5, 7, 10, 0))
    call = phone()
    call.start()
    call.press("1")
    assert "gesloten: de dag na Hemelvaart" in call.heard
    assert "op maandag 10 mei om 08:30" in call.heard


def test_closure_without_german_reason_is_refused(app: Flask, staff: FlaskClient) -> None:
    response = post_form(
        staff,
        "/console/calendar",
        "/console/closures",
        start="2027-05-07",
        end="2027-05-07",
        reason_nl="Brugdag",
        reason_de="",
    )
    assert response.status_code == 422
    assert "in Dutch and in German" in response.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalars(select(Closure)).all() == []


def test_removing_a_closure(app: Flask, staff: FlaskClient) -> None:
    post_form(
        staff,
        "/console/calendar",
        "/console/closures",
        start="2027-05-07",
        reason_nl="Brugdag",
        reason_de="Brückentag",
    )
    with app.app_context():
        closure = get_session().scalars(select(Closure)).one()
    post_form(staff, "/console/calendar", f"/console/closures/{closure.id}/delete")
    assert "No closures." in staff.get("/console/calendar").get_data(as_text=True)


def test_a_closure_saved_in_the_console_reaches_the_next_call_at_once(
    app: Flask, staff: FlaskClient, phone, clock: FixedClock
) -> None:
    clock.set(local(2027, 5, 7, 10, 0))
    before = phone("+31612345601")
    before.start()
    before.press("1")
    assert "gesloten" not in before.heard  # the worker now holds the day's closures: none
    post_form(
        staff, "/console/calendar", "/console/closures", start="2027-05-07",
        reason_nl="Brugdag", reason_de="Brückentag",
    )  # fmt: skip
    after = phone("+31612345602")
    after.start()
    after.press("1")
    assert "gesloten: Brugdag" in after.heard


def test_a_closure_written_by_another_worker_is_read_again(make_app, clock: FixedClock) -> None:
    app = make_app(CLOSURES_CACHE_SECONDS=0)
    clock.set(local(2027, 5, 7, 10, 0))

    def first_words(caller: str) -> str:
        call = TwilioCall(InProcess(app, token=TOKEN), from_number=caller)
        call.start()
        call.press("2")
        return call.heard

    assert "geschlossen" not in first_words("+4915112345601")
    with app.app_context():  # as the console in another gunicorn worker would
        session = get_session()
        session.add(Closure(start_date=date(2027, 5, 7), end_date=date(2027, 5, 7),
                            reason_nl="Brugdag", reason_de="Brückentag"))  # fmt: skip
        session.commit()
    assert "geschlossen: Brückentag" in first_words("+4915112345602")
