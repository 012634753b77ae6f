"""`flask incidents export`: JSON lines a ticket system or an auditor can read."""

from __future__ import annotations

import json

from flask import Flask

from ivr.clock import FixedClock
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, local


def report_at(app: Flask, clock: FixedClock, when, keys: str, caller: str) -> None:  # type: ignore[no-untyped-def]
    clock.set(when)
    call = TwilioCall(InProcess(app, token=TOKEN), from_number=caller)
    call.start()
    for key in keys:
        call.press(key)
    call.record(duration=12)
    call.press("1")


def test_export_lists_incidents_in_desk_time_with_offsets(app: Flask, clock: FixedClock) -> None:
    report_at(
        app, clock, local(2026, 12, 26, 22, 30), "1112", "+31612345678"
    )  # Saturday night, category 2
    report_at(
        app, clock, local(2027, 7, 3, 9, 0), "2133", "+4915123456789"
    )  # a summer Saturday, category 4
    result = app.test_cli_runner().invoke(args=["incidents", "export"])
    assert result.exit_code == 0, result.output
    winter, summer = (json.loads(line) for line in result.output.splitlines())
    assert winter["received_at"] == "2026-12-26T22:30:00+01:00"
    assert winter["pickup_at"] == "2026-12-28T08:30:00+01:00"
    assert winter["reaction_due"] == "2026-12-28T09:30:00+01:00"  # category 2: 1 hour
    assert winter["restore_due"] == "2026-12-28T16:30:00+01:00"  # 8 opening hours
    assert (winter["category"], winter["language"], winter["status"]) == (2, "nl", "open")
    assert winter["taken_out_of_hours"] is True
    assert summer["pickup_at"] == "2027-07-05T08:30:00+02:00"
    assert (summer["category"], summer["language"], summer["restore_due"]) == (4, "de", None)
    assert summer["recording_url"].startswith("https://api.twilio.com/")


def test_export_since_a_date(app: Flask, clock: FixedClock) -> None:
    report_at(app, clock, local(2026, 12, 26, 22, 30), "1112", "+31612345678")
    report_at(app, clock, local(2027, 7, 3, 9, 0), "2133", "+4915123456789")
    result = app.test_cli_runner().invoke(args=["incidents", "export", "--since", "2027-01-01"])
    assert [json.loads(line)["language"] for line in result.output.splitlines()] == ["de"]
