"""Bounds on what Twilio sends (issue 23): a number out of range is logged and taken as absent,
never an overflow that ends as a dead letter in the spool."""

from __future__ import annotations

import pytest
from flask import Flask

from ivr import spool
from ivr.clock import FixedClock
from ivr.services.recorder import replay_spool
from tests.conftest import local
from tests.voice.conftest import call_row, incident_of

HUGE = "1" * 23
CLOSED = local(2026, 11, 24, 20, 0)


def _dead_letters(app: Flask) -> list[dict]:
    with app.app_context():
        replay_spool(app.extensions["ivr.db"], app.extensions["ivr.desk"])
    return spool.dead_letters(app.config["SPOOL_DIR"])


def test_huge_durations_are_absent_not_dead_letters(
    app: Flask, phone, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    clock.set(CLOSED)
    call = phone()
    call.start()
    for key in "1112":
        call.press(key)
    call.record(duration=HUGE)  # type: ignore[arg-type]  # what a forged post could carry
    call.press("1")
    assert call.waiting_for is None  # the report is done
    short = phone("+31600000001")
    short.start()
    short._seconds = HUGE  # type: ignore[assignment]  # the status callback's CallDuration
    short.hang_up()
    assert _dead_letters(app) == []
    incident = incident_of(app, call)
    assert incident.recording_sid  # the report and its recording were kept
    assert incident.recording_duration is None
    assert call_row(app, short).duration_seconds is None
    assert "out of range" in caplog.text


def test_a_confidence_out_of_range_is_absent(app: Flask, phone, clock: FixedClock) -> None:
    from ivr.voice import bounded

    with app.test_request_context(method="POST", data={"Confidence": "7.5"}):
        assert bounded.fraction("Confidence") is None
    with app.test_request_context(method="POST", data={"Confidence": "0.75"}):
        assert bounded.fraction("Confidence") == 0.75
    with app.test_request_context(method="POST", data={"QueueTime": "٣"}):  # not ASCII
        assert bounded.seconds("QueueTime") is None
