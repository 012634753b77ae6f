"""The JSON API: incidents with filters and paging, for holders of a token."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ivr.db import get_session
from ivr.services.users import create_token
from tests.conftest import local


@pytest.fixture
def api(app: Flask, client: FlaskClient, clock):  # type: ignore[no-untyped-def]
    with app.app_context():
        token = create_token(get_session(), "ticket-sync", clock.now())

    def get(path: str):  # type: ignore[no-untyped-def]
        return client.get(path, headers={"Authorization": f"Bearer {token}"})

    return get


def test_incidents_newest_first_with_paging(api, report) -> None:
    refs = [report(local(2026, 11, 28, 22, m), "1111", caller=f"+3161234560{m}") for m in range(3)]
    page = api("/api/incidents?limit=2").json
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    assert [i["reference"] for i in page["incidents"]] == [refs[2], refs[1]]
    rest = api("/api/incidents?limit=2&offset=2").json
    assert [i["reference"] for i in rest["incidents"]] == [refs[0]]


def test_filters_by_status_category_and_since(api, report) -> None:
    report(local(2026, 11, 28, 22, 0), "1111")
    cat4 = report(local(2026, 11, 29, 22, 0), "1133", caller="+31687654321")
    assert [i["reference"] for i in api("/api/incidents?category=4").json["incidents"]] == [cat4]
    assert api("/api/incidents?since=2026-11-29").json["total"] == 1
    assert api("/api/incidents?status=open").json["total"] == 2
    assert api("/api/incidents?status=resolved").json["total"] == 0
    assert api("/api/incidents?since=yesterday").status_code == 400


def test_one_incident_in_desk_time(api, report) -> None:
    reference = report(local(2026, 11, 28, 22, 0), "2112", caller="+4915123456789")
    body = api(f"/api/incidents/{reference}").json
    assert body["received_at"] == "2026-11-28T22:00:00+01:00"
    assert body["reaction_due"] == "2026-11-30T09:30:00+01:00"
    assert (body["language"], body["category"], body["callback_number"]) == (
        "de",
        2,
        "+4915123456789",
    )
    missing = api("/api/incidents/00000000")
    assert missing.status_code == 404 and missing.json["error"] == "Not Found"
