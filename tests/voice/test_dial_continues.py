"""Every `<Dial>` continues: a fallback number that does not answer still leads to a report."""

from __future__ import annotations

import pytest
from flask import Flask

from ivr.clock import FixedClock
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, local
from tests.voice.conftest import CALLER, DESK_NUMBER, incidents

UNREACHABLE = "postgresql+psycopg://ivr:ivr@127.0.0.1:9/ivr"  # nothing listens on port 9
FALLBACK = "+31201234567"
OPEN_TUESDAY = local(2026, 11, 24, 10, 0)


def _explode(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("boom")


def _call(app: Flask, from_number: str = CALLER) -> TwilioCall:
    return TwilioCall(InProcess(app, token=TOKEN), from_number=from_number, to_number=DESK_NUMBER)


@pytest.mark.parametrize("outcome", ["no-answer", "busy", "failed"])
def test_unanswered_fallback_number_in_hours_leads_to_a_recorded_report(
    make_app, clock: FixedClock, outcome: str
) -> None:
    """The database is down in opening hours: the fallback number rings; nobody answers."""
    app = make_app(DATABASE_URL=UNREACHABLE, DB_TIMEOUT_SECONDS=1, FALLBACK_NUMBER=FALLBACK)
    clock.set(OPEN_TUESDAY)
    call = _call(app)
    call.start()
    for key in "1111":
        call.press(key)
    assert call.waiting_for == "dial" and call.dialled == [FALLBACK]
    call.dial_outcome(outcome)
    assert call.waiting_for == "record", call.as_text()
    call.record(duration=15)
    call.press("1")  # keep the caller ID as the callback number
    assert call.waiting_for is None
    said = " ".join(h.text for h in call.transcript if h.kind == "say")
    assert "referentie" in said.lower()


def test_answered_fallback_number_in_hours_ends_the_call(make_app, clock: FixedClock) -> None:
    app = make_app(DATABASE_URL=UNREACHABLE, DB_TIMEOUT_SECONDS=1, FALLBACK_NUMBER=FALLBACK)
    clock.set(OPEN_TUESDAY)
    call = _call(app)
    call.start()
    for key in "1111":
        call.press(key)
    call.dial_outcome("completed")
    assert call.waiting_for is None


@pytest.mark.parametrize("outcome", ["no-answer", "busy", "failed"])
def test_safety_net_dial_that_nobody_answers_records_the_message(
    make_app, monkeypatch, outcome: str
) -> None:
    """An application error: apology, the fallback number; unanswered, the message is kept."""
    app = make_app(FALLBACK_NUMBER=FALLBACK)
    monkeypatch.setattr("ivr.voice.call.remembered_language", _explode)
    call = _call(app)
    call.start()
    assert call.waiting_for == "dial" and call.dialled == [FALLBACK]
    call.dial_outcome(outcome)
    assert call.waiting_for == "record", call.as_text()
    call.record(duration=12)
    assert call.waiting_for is None
    (incident,) = incidents(app)
    assert incident.recording_url and incident.recording_duration == 12


def test_safety_net_dial_answered_ends_the_call(make_app, monkeypatch) -> None:
    app = make_app(FALLBACK_NUMBER=FALLBACK)
    monkeypatch.setattr("ivr.voice.call.remembered_language", _explode)
    call = _call(app)
    call.start()
    call.dial_outcome("completed")
    assert call.waiting_for is None
    assert incidents(app) == []


def test_every_dial_the_line_emits_has_an_action(make_app, monkeypatch, clock) -> None:
    """Twilio drops the caller after a `<Dial>` without action when the document ends."""
    clock.set(OPEN_TUESDAY)
    down = make_app(DATABASE_URL=UNREACHABLE, DB_TIMEOUT_SECONDS=1, FALLBACK_NUMBER=FALLBACK)
    routed = _call(down)
    routed.start()
    for key in "1111":
        routed.press(key)
    broken = make_app(FALLBACK_NUMBER=FALLBACK)
    monkeypatch.setattr("ivr.voice.call.remembered_language", _explode)
    safety = _call(broken)
    safety.start()
    for call in (routed, safety):
        assert call._waiting is not None and call._waiting.tag == "Dial"
        assert call._waiting.get("action"), call.as_text()
