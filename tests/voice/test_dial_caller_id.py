"""The number an agent's phone shows: set explicitly on every `<Dial>`, never a placeholder."""

from __future__ import annotations

import pytest

from ivr.clock import FixedClock
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, local
from tests.voice.conftest import CALLER, DESK_NUMBER, Line

OPEN_TUESDAY = local(2026, 11, 24, 10, 0)


def _caller_id(call: TwilioCall) -> str | None:
    assert call._waiting is not None
    return call._waiting.get("callerId")


def _offered(line: Line, from_number: str) -> str:
    """The caller ID of the offer the line placed to an agent for this caller."""
    call = line.caller(from_number)
    call.start()
    for key in "1111":
        call.press(key)
    assert call.queued
    (offer,) = line.fake.calls.values()
    return offer.from_


@pytest.mark.parametrize("from_number", [CALLER, "anonymous", "+266696687"])
def test_agents_see_the_lines_number_by_default(
    line: Line, agents, clock: FixedClock, from_number: str
) -> None:
    clock.set(OPEN_TUESDAY)
    assert _offered(line, from_number) == DESK_NUMBER


@pytest.mark.parametrize("from_number", [CALLER, "anonymous", "+7378742833"])
def test_offers_show_the_lines_number_even_when_agents_would_see_the_callers(
    line: Line, agents, clock: FixedClock, from_number: str
) -> None:
    """An offer is a call the line places through the REST API, whose `From` Twilio accepts
    only as one of the account's own or verified numbers: AGENT_CALLER_ID=caller applies to
    the fallback number's `<Dial>`, never to offers."""
    line.app.config["AGENT_CALLER_ID"] = "caller"
    clock.set(OPEN_TUESDAY)
    assert _offered(line, from_number) == DESK_NUMBER


def test_safety_net_dial_shows_the_lines_number(make_app, monkeypatch) -> None:
    app = make_app(FALLBACK_NUMBER="+31201234567")
    monkeypatch.setattr(
        "ivr.voice.call.remembered_language",
        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")),
    )
    call = TwilioCall(InProcess(app, token=TOKEN), from_number="anonymous", to_number=DESK_NUMBER)
    call.start()
    assert call.waiting_for == "dial" and _caller_id(call) == DESK_NUMBER


def test_a_sip_trunk_call_shows_the_configured_line_number(make_app, clock) -> None:
    """Over a SIP trunk `To` is no phone number: TWILIO_NUMBER is the line's number then (the
    fallback number's `<Dial>`; offers to agents always show TWILIO_NUMBER)."""
    app = make_app(
        TWILIO_NUMBER="+31413741742",
        DATABASE_URL="postgresql+psycopg://ivr:ivr@127.0.0.1:9/ivr",  # down: the fallback rings
        DB_TIMEOUT_SECONDS=1,
        FALLBACK_NUMBER="+31201234567",
    )
    clock.set(OPEN_TUESDAY)
    call = TwilioCall(
        InProcess(app, token=TOKEN), from_number=CALLER, to_number="sip:desk@ivr.example.nl"
    )
    call.start()
    for key in "1111":
        call.press(key)
    assert call.waiting_for == "dial" and _caller_id(call) == "+31413741742"
