"""Recordings play in the console, fetched from Twilio with the account; never linked directly."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from ivr.db import get_session
from ivr.models import Incident
from tests.conftest import local
from tests.console.conftest import PASSWORD, csrf_token
from tests.console.receivers import serving

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt "


def logged_in(app: Flask):  # type: ignore[no-untyped-def]
    client = app.test_client()
    token = csrf_token(client, "/console/login")
    client.post(
        "/console/login", data={"username": "anouk", "password": PASSWORD, "csrf_token": token}
    )
    return client


def test_recording_is_fetched_with_the_account_and_streamed(make_app, user, report) -> None:
    with serving(reply=WAV, content_type="audio/wav") as twilio:
        app = make_app(TWILIO_ACCOUNT_SID="AC123", TWILIO_API_BASE=twilio.url)
        reference = report(local(2026, 11, 28, 22, 0), "1111")
        with app.app_context():
            row = get_session().scalars(select(Incident)).one()
            row.recording_url = f"{twilio.url}/2010-04-01/Accounts/AC123/Recordings/RE1"
            get_session().commit()
        client = logged_in(app)
        page = client.get(f"/console/incidents/{reference}").get_data(as_text=True)
        assert twilio.url not in page and f"/console/incidents/{reference}/recording" in page
        with client.get(f"/console/incidents/{reference}/recording") as audio:
            assert audio.status_code == 200 and audio.data == WAV
            assert audio.mimetype == "audio/wav"
        (request,) = twilio.received
        assert request.path == "/2010-04-01/Accounts/AC123/Recordings/RE1.mp3"
        assert request.headers["Authorization"].startswith("Basic ")


def test_recordings_elsewhere_are_not_fetched_with_the_credentials(make_app, user, report) -> None:
    with serving(reply=WAV) as elsewhere:
        app = make_app(TWILIO_ACCOUNT_SID="AC123")
        reference = report(local(2026, 11, 28, 22, 0), "1111")
        with app.app_context():
            get_session().scalars(select(Incident)).one().recording_url = f"{elsewhere.url}/x"
            get_session().commit()
        response = logged_in(app).get(f"/console/incidents/{reference}/recording")
        assert response.status_code == 404 and elsewhere.received == []


def test_twilio_down_is_a_clear_502(make_app, user, report) -> None:
    with serving(status=503) as twilio:
        app = make_app(TWILIO_ACCOUNT_SID="AC123", TWILIO_API_BASE=twilio.url)
        reference = report(local(2026, 11, 28, 22, 0), "1111")
        with app.app_context():
            get_session().scalars(select(Incident)).one().recording_url = f"{twilio.url}/RE1"
            get_session().commit()
        response = logged_in(app).get(f"/console/incidents/{reference}/recording")
        assert response.status_code == 502
