"""A sentence agents can read (issue 13): the caller's one sentence, recognised in Dutch or
German, in the whisper, the work list, the incident page, the API, the export and the hand-off;
silence changes nothing."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from flask import Flask

from ivr.services.outbox import Receiver, deliver_due
from tests.conftest import local
from tests.voice.conftest import incident_of

OPEN = local(2026, 11, 24, 10, 0)
CLOSED = local(2026, 11, 24, 20, 0)


@pytest.fixture
def app(make_app) -> Flask:  # type: ignore[no-untyped-def]
    return make_app(ASK_SUMMARY=True, INCIDENT_WEBHOOK_URL="http://127.0.0.1:9/tickets")


def test_out_of_hours_the_sentence_follows_the_recording_and_reaches_the_hand_off(
    app: Flask, phone, clock
) -> None:
    clock.set(CLOSED)
    call = phone()
    call.start()
    for key in "1112":
        call.press(key)
    call.record(duration=30)
    assert call.waiting_attributes["input"] == "speech"
    call.speak("De printer op de tweede verdieping drukt niets af", confidence=0.8)
    call.press("1")  # the callback number is right
    assert call.waiting_for is None
    sent: list[bytes] = []

    def post(url, data, headers, timeout):  # type: ignore[no-untyped-def]  # requests.post
        sent.append(data)
        return SimpleNamespace(status_code=204, ok=True, text="")

    with app.app_context():
        database = app.extensions["ivr.db"]
        receiver = Receiver("http://127.0.0.1:9/tickets", "secret", 5)
        deliver_due(database.sessions, receiver, clock.now(), post=post)
    (body,) = sent
    handed = json.loads(body)["incident"]
    assert handed["summary"] == "De printer op de tweede verdieping drukt niets af"
    assert handed["summary_confidence"] == pytest.approx(0.8)
    exported = json.loads(app.test_cli_runner().invoke(args=["incidents", "export"]).output)
    assert exported["summary"] == handed["summary"]


def test_silence_stores_nothing_and_the_report_goes_on(app: Flask, phone, clock) -> None:
    clock.set(CLOSED)
    call = phone()
    call.start()
    for key in "2112":  # in German
        call.press(key)
    call.record(duration=12)
    assert "Worum geht es?" in call.heard
    call.silence()
    assert "Wir rufen Sie unter 0 6, 12, 34, 56, 78 zurück." in call.heard
    call.press("1")
    assert call.waiting_for is None
    incident = incident_of(app, call)
    assert (incident.summary, incident.status) == (None, "open")
