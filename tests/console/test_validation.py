"""Careless and hostile input is refused with a reason: agents, closures, tokens, the API,
recording callbacks and the audio folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Agent, ApiToken, Closure, MaintenanceWindow
from tests.conftest import local
from tests.console.conftest import post_form
from tests.console.test_api import api  # noqa: F401  the fixture
from tests.voice.conftest import incident_of

HUGE = "x" * 100_000


def agents_stored(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (a.name, a.address) for a in get_session().scalars(select(Agent).order_by(Agent.id))
        ]


@pytest.mark.parametrize(
    ("name", "number", "says"),
    [
        ("Eve", 'sip:"><script>alert(3)</script>@x', "not a SIP address"),
        ("Eve", "sip:eve smith@pbx.example.nl", "not a SIP address"),
        ("Eve", "client:<b>x</b>", "not a client identity"),
        ("Eve", "client:", "not a client identity"),
        (HUGE, "+31612345678", "at most 80 characters"),
        ("Eve\x00", "+31612345678", "control characters"),
        ("   ", "+31612345678", "an agent needs a name"),
        ("Eve", "sip:" + "a" * 300 + "@x", "at most 255 characters"),
    ],
)
def test_agents_refused_with_the_reason(
    app: Flask, staff: FlaskClient, name: str, number: str, says: str
) -> None:
    response = post_form(staff, "/console/agents", "/console/agents", name=name, number=number,
                         languages="nl")  # fmt: skip
    assert response.status_code == 302
    page = staff.get("/console/agents").get_data(as_text=True)
    assert says in page and "<script>alert" not in page
    assert agents_stored(app) == []


def test_valid_sip_and_client_addresses_are_kept(app: Flask, staff: FlaskClient) -> None:
    for name, number in [
        ("Pbx", "sip:anouk@pbx.example.nl;transport=tls"),
        ("App", "client:anouk_1"),
    ]:
        post_form(staff, "/console/agents", "/console/agents", name=name, number=number,
                  languages="nl")  # fmt: skip
    assert agents_stored(app) == [
        ("Pbx", "sip:anouk@pbx.example.nl;transport=tls"),
        ("App", "client:anouk_1"),
    ]


def test_two_agents_cannot_share_a_number(app: Flask, staff: FlaskClient) -> None:
    post_form(staff, "/console/agents", "/console/agents", name="Anouk", number="+31612345678",
              languages="nl")  # fmt: skip
    post_form(staff, "/console/agents", "/console/agents", name="Jonas", number="0612345678",
              languages="de")  # fmt: skip
    assert "+31612345678 rings Anouk already" in staff.get("/console/agents").get_data(as_text=True)
    assert agents_stored(app) == [("Anouk", "+31612345678")]


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"start": "2026-11-20", "end": "2026-11-21"}, "in the past"),
        ({"reason_nl": HUGE}, "at most 200 characters"),
        ({"reason_de": "Brücken\x00tag"}, "control characters"),
    ],
)
def test_closures_refused_with_the_reason(
    app: Flask, staff: FlaskClient, clock: FixedClock, fields: dict[str, str], says: str
) -> None:
    clock.set(local(2026, 11, 24, 10, 0))
    form = {"start": "2027-05-07", "end": "2027-05-07", "reason_nl": "Brugdag",
            "reason_de": "Brückentag", **fields}  # fmt: skip
    response = post_form(staff, "/console/calendar", "/console/closures", **form)
    assert response.status_code == 422
    assert says in response.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalars(select(Closure)).all() == []


def test_a_closure_on_days_already_closed_is_refused(app: Flask, staff: FlaskClient) -> None:
    form = {"start": "2027-05-07", "end": "2027-05-07", "reason_nl": "Brugdag",
            "reason_de": "Brückentag"}  # fmt: skip
    assert post_form(staff, "/console/calendar", "/console/closures", **form).status_code == 302
    again = post_form(staff, "/console/calendar", "/console/closures", **form)
    assert again.status_code == 422 and "closed already" in again.get_data(as_text=True)
    with app.app_context():
        assert len(get_session().scalars(select(Closure)).all()) == 1


def test_maintenance_descriptions_are_bounded(
    app: Flask, staff: FlaskClient, clock: FixedClock
) -> None:
    clock.set(local(2026, 12, 1, 10, 0))
    response = post_form(staff, "/console/calendar", "/console/maintenance",
                         start="2026-12-05T22:00", end="2026-12-06T02:00",
                         description_nl=HUGE, description_de="Wartung")  # fmt: skip
    assert response.status_code == 422 and "at most 300 characters" in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert get_session().scalars(select(MaintenanceWindow)).all() == []


@pytest.mark.parametrize(
    "path", ["/console/closures/999/delete", "/console/maintenance/999/delete"]
)
def test_deleting_what_does_not_exist_is_a_404(staff: FlaskClient, path: str) -> None:
    assert post_form(staff, "/console/calendar", path).status_code == 404


TOKEN_NAMES = [
    ("", "must not be empty"),
    ("   ", "must not be empty"),
    (HUGE[:81], "at most 80"),
    ("a\x00b", "control"),
]


@pytest.mark.parametrize(("name", "says"), TOKEN_NAMES)
def test_tokens_need_a_proper_name(app: Flask, name: str, says: str) -> None:
    result = app.test_cli_runner().invoke(args=["tokens", "create", name])
    assert result.exit_code == 1 and says in result.output
    with app.app_context():
        assert get_session().scalars(select(ApiToken)).all() == []


def test_users_need_a_proper_name(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", HUGE], input="long enough secret\nlong enough secret\n"
    )
    assert result.exit_code == 1 and "at most 80" in result.output


@pytest.mark.parametrize(
    "query",
    ["limit=-1", "limit=0", "limit=abc", "limit=201", "offset=-1", "offset=x", "status=bogus",
     "status=open,bogus", "category=5", "category=0"],
)  # fmt: skip
def test_api_parameters_out_of_range_are_a_400(api, query: str) -> None:  # noqa: F811
    response = api(f"/api/incidents?{query}")
    assert response.status_code == 400
    assert response.json["detail"].split()[0] in query


def test_api_limit_and_status_within_range(api) -> None:  # noqa: F811
    assert api("/api/incidents?limit=1").json["limit"] == 1
    assert api("/api/incidents?limit=200&status=open,resolved").status_code == 200


def test_a_second_recording_never_mixes_with_the_first(
    app: Flask, phone, clock: FixedClock
) -> None:
    clock.set(local(2026, 11, 28, 22, 0))
    call = phone()
    call.start()
    for key in "1112":
        call.press(key)
    call.record(duration=21)
    call.press("1")
    first = incident_of(app, call)
    callback_url, params = next((u, p) for u, p in call.requests if "recording-status" in u)
    other = "RE" + "f" * 32
    url = f"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/{other}"
    second = {**params, "RecordingSid": other, "RecordingDuration": "3", "RecordingUrl": url}
    assert call.transport.post(callback_url, second, call.headers).status == 200
    after = incident_of(app, call)
    assert (after.recording_sid, after.recording_url, after.recording_duration) == (
        first.recording_sid, first.recording_url, 21,
    )  # fmt: skip
    dead = Path(app.config["SPOOL_DIR"]) / "dead.jsonl"
    (kept,) = [json.loads(line) for line in dead.read_text().splitlines()]
    assert kept["event"]["recording_sid"] == other  # the second one is set aside, not lost


def test_audio_serves_only_regular_files_inside_the_folder(make_app, tmp_path: Path) -> None:
    audio = tmp_path / "audio"
    (audio / "nl").mkdir(parents=True)
    (audio / "nl" / "greeting.mp3").write_bytes(b"ID3 studio")
    secret = tmp_path / "secret.mp3"
    secret.write_text("not for callers")
    os.symlink(secret, audio / "nl" / "evil.mp3")
    os.symlink("/etc/hostname", audio / "nl" / "host.mp3")
    (audio / "nl" / "folder.mp3").mkdir()
    client = make_app(AUDIO_DIR=str(audio)).test_client()
    with client.get("/audio/nl/greeting.mp3") as served:
        assert served.data == b"ID3 studio"
    for name in ("evil.mp3", "host.mp3", "folder.mp3", "..%2Fsecret.mp3"):
        with client.get(f"/audio/nl/{name}") as refused:
            assert refused.status_code == 404, name


@pytest.mark.parametrize(
    "path",
    ["/console/?category=99999999999999999999", "/console/?category=-1"],
)
def test_work_list_filters_out_of_range_are_ignored(staff: FlaskClient, path: str) -> None:
    assert staff.get(path).status_code == 200


@pytest.mark.parametrize("row_id", ["2147483648", "9223372036854775808"])
def test_ids_beyond_an_integer_column_are_a_404(staff: FlaskClient, row_id: str) -> None:
    assert (
        post_form(staff, "/console/agents", f"/console/agents/{row_id}/delete").status_code == 404
    )


@pytest.mark.parametrize("status", ["a\x00b", "closed", "acknowledged'--"])
def test_an_unknown_status_filter_is_an_empty_work_list(staff: FlaskClient, status) -> None:
    """A status the work list does not know (a NUL byte that PostgreSQL refuses, too) is an empty
    list, never a database error."""
    response = staff.get("/console/", query_string={"status": status})
    assert response.status_code == 200
    assert "a\x00b" not in response.get_data(as_text=True)
