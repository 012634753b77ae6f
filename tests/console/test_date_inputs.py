"""Every date input has a range and a clear error: console (400), API (400), CLI (usage error)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.db import get_session
from ivr.models import Closure, MaintenanceWindow
from tests.conftest import local
from tests.console.conftest import post_form
from tests.console.test_api import api  # noqa: F401  the fixture

WINDOW = {"description_nl": "Onderhoud", "description_de": "Wartung"}
CLOSURE = {"reason_nl": "Brugdag", "reason_de": "Brückentag"}


@pytest.mark.parametrize(
    ("start", "end", "says"),
    [
        ("0001-01-01T00:00", "0001-01-01T02:00", "outside"),
        ("2027-01-09T22:00", "9999-12-31T23:59", "outside"),
        ("2027-03-28T02:30", "2027-03-28T04:00", "does not exist"),
    ],
)
def test_maintenance_dates_out_of_range_or_in_the_dst_gap(
    app: Flask, staff: FlaskClient, start: str, end: str, says: str
) -> None:
    response = post_form(
        staff, "/console/calendar", "/console/maintenance", start=start, end=end, **WINDOW
    )
    assert response.status_code == 400
    assert says in response.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalars(select(MaintenanceWindow)).all() == []


@pytest.mark.parametrize(
    ("start", "end"), [("0001-01-01", "0001-01-02"), ("2027-05-07", "9999-12-31")]
)
def test_closure_dates_out_of_range(app: Flask, staff: FlaskClient, start: str, end: str) -> None:
    response = post_form(staff, "/console/calendar", "/console/closures", start=start, end=end,
                         confirm_long="1", **CLOSURE)  # fmt: skip
    assert response.status_code == 400
    assert "outside" in response.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalars(select(Closure)).all() == []


@pytest.mark.parametrize(
    "since", ["0001-01-01", "9999-12-31T23:59:59-14:00", "2027-03-28T02:30", "0001-01-01T00:00"]
)
def test_api_since_out_of_range_is_a_400_with_a_reason(api, since: str) -> None:  # noqa: F811
    response = api(f"/api/incidents?since={since.replace('+', '%2B')}")
    assert response.status_code == 400
    assert response.json["error"] == "Bad Request" and "since" in response.json["detail"]


def test_export_since_out_of_range_is_a_usage_error(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["incidents", "export", "--since", "0001-01-01"])
    assert result.exit_code == 2 and "outside" in result.output


@pytest.mark.parametrize(
    ("at", "says"), [("0001-01-01 00:00", "outside"), ("2027-03-28 02:30", "does not exist")]
)
def test_call_at_out_of_range_is_a_usage_error(app: Flask, at: str, says: str) -> None:
    result = app.test_cli_runner().invoke(args=["call", "--at", at, "--keys", "1"])
    assert result.exit_code == 2 and says in result.output


def test_a_clock_header_out_of_range_is_ignored(make_app, phone, clock) -> None:
    from ivr.phone.transport import InProcess
    from ivr.phone.twilio_call import TwilioCall
    from tests.conftest import TOKEN

    app = make_app(IVR_ALLOW_CLOCK_HEADER=True)
    clock.set(local(2026, 11, 28, 22, 0))
    call = TwilioCall(
        InProcess(app, token=TOKEN), headers={"X-IVR-Clock": "0001-01-01T00:00:00+00:00"}
    )
    call.start()
    call.press("1")
    assert "maandag 30 november om 08:30" in call.heard  # the app's own clock
