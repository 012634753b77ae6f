"""The number an agent's phone shows: set explicitly on every `<Dial>`, never a placeholder."""

from __future__ import annotations

import pytest

from ivr.clock import FixedClock
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, local
from tests.voice.conftest import CALLER, DESK_NUMBER

OPEN_TUESDAY = local(2026, 11, 24, 10, 0)


def _ringing_agents(app, from_number: str) -> TwilioCall:  # type: ignore[no-untyped-def]
    call = TwilioCall(InProcess(app, token=TOKEN), from_number=from_number, to_number=DESK_NUMBER)
    call.start()
    for key in "1111":
        call.press(key)
    assert call.waiting_for == "dial"
    return call


def _caller_id(call: TwilioCall) -> str | None:
    assert call._waiting is not None
    return call._waiting.get("callerId")


@pytest.mark.parametrize("from_number", [CALLER, "anonymous", "+266696687"])
def test_agents_see_the_lines_number_by_default(
    app, agents, clock: FixedClock, from_number: str
) -> None:
    clock.set(OPEN_TUESDAY)
    assert _caller_id(_ringing_agents(app, from_number)) == DESK_NUMBER


@pytest.mark.parametrize(
    ("from_number", "shown"),
    [(CALLER, CALLER), ("anonymous", DESK_NUMBER), ("+7378742833", DESK_NUMBER)],
)
def test_agents_can_see_the_callers_number_but_never_a_placeholder(
    make_app, agents, clock: FixedClock, from_number: str, shown: str
) -> None:
    app = make_app(AGENT_CALLER_ID="caller")  # same database: `agents` put them on duty
    clock.set(OPEN_TUESDAY)
    assert _caller_id(_ringing_agents(app, from_number)) == shown


def test_safety_net_dial_shows_the_lines_number(make_app, monkeypatch) -> None:
    app = make_app(FALLBACK_NUMBER="+31201234567")
    monkeypatch.setattr(
        "ivr.voice.call.remembered_language",
        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")),
    )
    call = TwilioCall(InProcess(app, token=TOKEN), from_number="anonymous", to_number=DESK_NUMBER)
    call.start()
    assert call.waiting_for == "dial" and _caller_id(call) == DESK_NUMBER


def test_a_sip_trunk_call_shows_the_configured_line_number(make_app, agents, clock) -> None:
    """Over a SIP trunk `To` is no phone number: TWILIO_NUMBER is the line's number then."""
    app = make_app(TWILIO_NUMBER="+31413741742")
    clock.set(OPEN_TUESDAY)
    call = TwilioCall(
        InProcess(app, token=TOKEN), from_number=CALLER, to_number="sip:desk@ivr.example.nl"
    )
    call.start()
    for key in "1111":
        call.press(key)
    assert call.waiting_for == "dial" and _caller_id(call) == "+31413741742"
