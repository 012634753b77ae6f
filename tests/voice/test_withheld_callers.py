"""Callers as Twilio sends them: withheld, SIP and client caller IDs are "no number"."""

from __future__ import annotations

import pytest
from flask import Flask

from ivr.caller_id import callable_number
from ivr.clock import FixedClock
from tests.conftest import local
from tests.voice.conftest import call_row, incident_of

SATURDAY_NIGHT = local(2026, 11, 28, 22, 30)

# Twilio's placeholders for withheld, restricted and unavailable caller IDs: the words, and the
# same words spelled on a keypad (ANONYMOUS, RESTRICTED, UNAVAILABLE, UNKNOWN, BLOCKED).
PLACEHOLDERS = [
    "anonymous",
    "Anonymous",
    "Restricted",
    "UNAVAILABLE",
    "unknown",
    "+266696687",
    "+7378742833",
    "+86282452253",
    "+8656696",
    "+2562533",
    "sip:caller@pbx.example.com",
    "client:anna",
    "",
]


@pytest.mark.parametrize("number", PLACEHOLDERS)
def test_placeholders_are_no_number(number: str) -> None:
    assert callable_number(number) is None


@pytest.mark.parametrize("number", ["+31612345678", "+4915123456789", "+31201234567"])
def test_real_numbers_stay_numbers(number: str) -> None:
    assert callable_number(number) == number


@pytest.mark.parametrize("number", ["anonymous", "+266696687", "sip:caller@pbx.example.com"])
def test_one_withheld_callers_language_is_not_the_next_ones(app: Flask, phone, number) -> None:
    first = phone(number)
    first.start()
    first.press("2")  # Deutsch
    first.hang_up()
    second = phone(number)
    second.start()
    # The bilingual language menu again, not the German greeting of the first caller.
    assert second.waiting_for == "gather"
    action = second.requests[-1][0]
    assert action.split("?")[0].endswith("/voice/menu/language"), second.as_text()


@pytest.mark.parametrize("number", ["anonymous", "+266696687", "client:anna"])
def test_withheld_caller_is_asked_for_a_number_and_none_is_stored(
    app: Flask, phone, clock: FixedClock, number: str
) -> None:
    clock.set(SATURDAY_NIGHT)
    call = phone(number)
    call.start()
    for key in "1112":
        call.press(key)
    call.record(duration=20)
    assert call.waiting_for == "gather"
    assert "eindigt op" not in call.heard  # never reads back digits of a placeholder
    for _ in range(3):
        if call.waiting_for != "gather":
            break
        call.silence()
    incident = incident_of(app, call)
    assert incident.caller_number is None and incident.callback_number is None
    assert call_row(app, call).from_number is None


def test_withheld_caller_who_keys_a_number_gets_that_one(app, phone, clock) -> None:
    clock.set(SATURDAY_NIGHT)
    call = phone("anonymous")
    call.start()
    for key in "1112":
        call.press(key)
    call.record(duration=20)
    call.press("0612345678#")
    incident = incident_of(app, call)
    assert incident.callback_number == "+31612345678"
    assert incident.caller_number is None


def test_export_shows_no_placeholder(app: Flask, phone, clock) -> None:
    clock.set(SATURDAY_NIGHT)
    call = phone("+266696687")
    call.start()
    for key in "1112":
        call.press(key)
    call.record(duration=20)
    call.hang_up()
    output = app.test_cli_runner().invoke(args=["incidents", "export"]).output
    assert output.strip() and "266696687" not in output
