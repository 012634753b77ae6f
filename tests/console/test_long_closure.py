"""A closure that leaves no opening in sight: callers hear the truth, the console keeps working."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Closure
from ivr.services.users import create_user
from tests.conftest import local
from tests.console.conftest import PASSWORD, csrf_token, post_form
from tests.voice.conftest import incident_of
from tests.voice.test_journey import spoken_reference

TUESDAY = local(2026, 11, 24, 10, 0)
LONG = {"start": "2026-01-01", "end": "2099-12-31", "reason_nl": "verbouwing", "reason_de": "Umbau"}


def close_for_good(app: Flask) -> None:
    with app.app_context():
        session = get_session()
        session.add(
            Closure(start_date=date(2026, 1, 1), end_date=date(2099, 12, 31),
                    reason_nl="verbouwing", reason_de="Umbau")
        )  # fmt: skip
        session.commit()


@pytest.mark.parametrize(
    ("language", "until_further_notice"),
    [("1", "tot nader bericht gesloten"), ("2", "bis auf Weiteres geschlossen")],
)
def test_callers_hear_closed_until_further_notice_and_still_leave_a_report(
    app: Flask, phone, clock: FixedClock, language: str, until_further_notice: str
) -> None:
    close_for_good(app)
    clock.set(TUESDAY)
    call = phone()
    call.start()
    call.press(language)
    assert until_further_notice in call.heard
    assert ("verbouwing" if language == "1" else "Umbau") in call.heard
    for key in ("1", "1", "1"):
        call.press(key)
    assert call.waiting_for == "record"
    call.record(duration=12)
    call.press("1")
    reference = spoken_reference(call.heard)
    assert until_further_notice in call.heard  # again where the pick-up time would be
    call.hang_up()
    incident = incident_of(app, call)
    assert incident.reference == reference and incident.status == "open"
    assert incident.recording_duration == 12 and incident.category == 1
    assert incident.pickup_at is None and incident.reaction_due is None


def test_the_console_keeps_working_and_the_closure_can_be_removed(
    app: Flask, staff: FlaskClient, phone, clock: FixedClock
) -> None:
    close_for_good(app)
    clock.set(TUESDAY)
    call = phone()
    call.start()
    for key in ("1", "1", "1", "1"):
        call.press(key)
    call.record(duration=5)
    call.press("1")
    reference = spoken_reference(call.heard)
    for page in ("/console/", "/console/?view=morning", f"/console/incidents/{reference}",
                 "/api/incidents"):  # fmt: skip
        assert staff.get(page).status_code in (200, 401), page
    calendar = staff.get("/console/calendar")
    assert calendar.status_code == 200
    assert "No opening known" in calendar.get_data(as_text=True)
    with app.app_context():
        closure = get_session().scalars(select(Closure)).one()
    post_form(staff, "/console/calendar", f"/console/closures/{closure.id}/delete")
    assert "No closures." in staff.get("/console/calendar").get_data(as_text=True)
    after = phone("+31612345609")
    after.start()
    after.press("1")
    assert "tot nader bericht" not in after.heard


def test_the_console_warns_before_saving_a_long_closure(
    app: Flask, staff: FlaskClient, clock: FixedClock
) -> None:
    clock.set(TUESDAY)
    response = post_form(staff, "/console/calendar", "/console/closures", **LONG)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "closes the desk for 27028 days" in page
    assert 'name="confirm_long"' in page and 'value="2099-12-31"' in page
    with app.app_context():
        assert get_session().scalars(select(Closure)).all() == []
    confirmed = post_form(staff, "/console/calendar", "/console/closures", **LONG, confirm_long="1")
    assert confirmed.status_code == 302
    with app.app_context():
        assert get_session().scalars(select(Closure)).one().end_date == date(2099, 12, 31)


def test_the_warning_span_is_configurable(make_app, clock: FixedClock) -> None:
    app = make_app(CLOSURE_WARN_DAYS=2)
    with app.app_context():
        create_user(get_session(), "anouk", PASSWORD)
    client = app.test_client()
    token = csrf_token(client, "/console/login")
    client.post(
        "/console/login", data={"username": "anouk", "password": PASSWORD, "csrf_token": token}
    )
    clock.set(TUESDAY)
    three_days = {**LONG, "start": "2026-12-28", "end": "2026-12-30"}
    response = post_form(client, "/console/calendar", "/console/closures", **three_days)
    assert response.status_code == 422
    assert "closes the desk for 3 days" in response.get_data(as_text=True)
