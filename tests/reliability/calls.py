"""Scripted calls for the reliability suite: each walks the real flow and says what it heard."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ivr.phone.twilio_call import TwilioCall

REFERENCE = re.compile(r"(\d(?: \d){3}, \d(?: \d){3})")


@dataclass(frozen=True)
class Outcome:
    reference: str | None  # what the caller was told to quote
    dialled: tuple[str, ...]


def out_of_hours_report(call: TwilioCall, keys: str = "1112") -> Outcome:
    """Language, purpose, impact, severity, a recording, confirm the callback number, hang up."""
    call.start()
    for key in keys:
        call.press(key)
    call.record(duration=20)
    call.press("1")
    said = " ".join(h.text for h in call.transcript if h.kind == "say")
    found = REFERENCE.search(said)
    return Outcome(re.sub(r"\D", "", found.group(1)) if found else None, tuple(call.dialled))


def in_hours_call(call: TwilioCall, keys: str = "1111") -> Outcome:
    call.start()
    for key in keys:
        if call.waiting_for != "gather":
            break
        call.press(key)
    return Outcome(None, tuple(call.dialled))
