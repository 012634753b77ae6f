"""Every webhook that reads a documented field, driven with every documented value, signed.

Each answer is TwiML that passes the lint (tests/conftest.py applies it to every answer) and has
the outcome written down for that value here: no value falls through to an unplanned default.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Incident, Offer
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from ivr.services.agents import add_agent
from tests.conftest import TOKEN, local
from tests.contract.twilio_values import GATHER, RECORD_ACTION, VALUES, values_of
from tests.twiml import parse
from tests.voice.conftest import DESK_NUMBER, Line

OPEN = local(2026, 11, 24, 10, 0)
ANOUK = "+31687000001"
CALLER = "+31620000001"
CONTINUES = {"Redirect", "Dial", "Gather", "Record", "Enqueue", "Leave"}
ANSWERED = ("completed", "answered")
MACHINES = ("machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax")


def outcome(body: str) -> str:
    """What the answer does with the call: continues, hangs up, says and ends, or nothing."""
    tags = [verb.tag for verb in parse(body)]
    if not tags:
        return "empty"
    if CONTINUES & set(tags):
        return "continues"
    return "hangup" if tags[-1] == "Hangup" else "says"


@dataclass(frozen=True)
class Endpoint:
    path: str  # {offer}: the id of an offer for the waiting caller
    field: str
    expected: dict[str, str]  # value -> outcome
    source: str = ""  # which rows of the table, when a field has two (Digits)
    leg: str = "caller"  # whose CallSid Twilio sends: the caller's or the agent's

    def values(self) -> list[str]:
        rows = [r for r in VALUES if r.field == self.field]
        return [r.value for r in rows if not self.source or r.source == self.source]


def _all(field: str, kind: str) -> dict[str, str]:
    return dict.fromkeys(values_of(field), kind)


def _by(field: str, special: dict[str, str], otherwise: str, source: str = "") -> dict[str, str]:
    values = [r.value for r in VALUES if r.field == field and (not source or r.source == source)]
    return {v: special.get(v, otherwise) for v in values}


DIAL_ENDS = _by("DialCallStatus", dict.fromkeys(ANSWERED, "hangup"), "continues")
ENDPOINTS = [
    Endpoint("/voice/status", "CallStatus", _all("CallStatus", "empty")),
    Endpoint(
        "/voice/offer/status?offer={offer}", "CallStatus", _all("CallStatus", "empty"), leg="agent"
    ),
    Endpoint("/voice/route/result?lang=nl", "DialCallStatus", DIAL_ENDS),
    Endpoint("/voice/safe/dialled", "DialCallStatus", DIAL_ENDS),
    Endpoint(
        "/voice/offer/bridged?offer={offer}",
        "DialCallStatus",
        _all("DialCallStatus", "hangup"),
        leg="agent",
    ),
    Endpoint(
        "/voice/offer/called-back?offer={offer}",
        "DialCallStatus",
        _all("DialCallStatus", "hangup"),
        leg="agent",
    ),
    Endpoint(
        "/voice/queue/left?lang=nl",
        "QueueResult",
        _by(
            "QueueResult",
            {
                "bridged": "hangup",
                "redirected-from-bridged": "empty",
                "bridging-in-process": "empty",
                "redirected": "empty",
                "hangup": "empty",
            },
            "continues",
        ),
    ),
    Endpoint(
        "/voice/callback/greeting?offer={offer}&lang=nl&ref=20261124001",
        "AnsweredBy",
        _by("AnsweredBy", dict.fromkeys(MACHINES, "hangup"), "continues"),
    ),
    Endpoint(
        "/voice/intake/recording-status?lang=nl",
        "RecordingStatus",
        _all("RecordingStatus", "empty"),
    ),
    Endpoint("/voice/safe/recorded", "RecordingStatus", _all("RecordingStatus", "hangup")),
    Endpoint(
        "/voice/intake/recorded?lang=nl",
        "Digits",
        _by("Digits", {"hangup": "empty"}, "continues", RECORD_ACTION),
        RECORD_ACTION,
    ),
    Endpoint(
        "/voice/menu/purpose/answer?lang=nl",
        "Digits",
        _by("Digits", {}, "continues", GATHER),
        GATHER,
    ),
    Endpoint(
        "/voice/menu/purpose/answer?lang=nl", "SpeechResult", _all("SpeechResult", "continues")
    ),
    Endpoint("/voice/queue/choice?lang=nl", "Digits", _by("Digits", {}, "says", GATHER), GATHER),
    Endpoint("/voice/queue/summary?lang=nl", "SpeechResult", _all("SpeechResult", "empty")),
    Endpoint("/voice/summary/answer?lang=nl", "SpeechResult", _all("SpeechResult", "continues")),
    Endpoint("/voice/summary/answer?lang=nl", "Confidence", _all("Confidence", "continues")),
    Endpoint(
        "/voice/queue/callback/answer?lang=nl",
        "Digits",
        _by("Digits", {}, "continues", GATHER),
        GATHER,
    ),
    Endpoint(
        "/voice/callback-number/answer?lang=nl",
        "Digits",
        _by("Digits", {}, "continues", GATHER),
        GATHER,
    ),
    Endpoint(
        "/voice/status-reference/answer?lang=nl",
        "Digits",
        _by("Digits", {}, "continues", GATHER),
        GATHER,
    ),
    Endpoint(
        "/voice/queue/callback/number?lang=nl",
        "Digits",
        _by("Digits", {}, "continues", GATHER),
        GATHER,
    ),
    Endpoint(
        "/voice/status-check/answer?lang=nl&ref=20261124001",
        "Digits",
        _by("Digits", {}, "hangup", GATHER),  # the end of a status question: no such reference
        GATHER,
    ),
    Endpoint(
        "/voice/disruption/answer?lang=nl",
        "Digits",
        _by("Digits", {}, "continues", GATHER),
        GATHER,
    ),
    Endpoint("/voice/disruption/answer?lang=nl", "SpeechResult", _all("SpeechResult", "continues")),
    Endpoint(
        "/voice/agent/choice?lang=nl", "Digits", _by("Digits", {}, "continues", GATHER), GATHER
    ),
    Endpoint(
        "/voice/agent/pin?lang=nl&want=1", "Digits", _by("Digits", {}, "continues", GATHER), GATHER
    ),
    Endpoint(
        "/voice/offer/answer?offer={offer}",
        "Digits",
        _by("Digits", {}, "hangup", GATHER),
        GATHER,
        leg="agent",
    ),
    Endpoint(
        "/voice/callback/screened?offer={offer}&lang=nl",
        "Digits",
        _by("Digits", {}, "hangup", GATHER),
        GATHER,
        leg="agent",
    ),
]
CASES = [
    pytest.param(e, v, id=f"{e.path.split('?')[0]}:{e.field}={v or 'empty'}")
    for e in ENDPOINTS
    for v in e.values()
]


@dataclass
class Waiting:
    line: Line
    caller: TwilioCall
    offer_id: int
    agent_sid: str


@pytest.fixture
def waiting(line: Line, clock: FixedClock) -> Iterator[Waiting]:
    """One caller in the queue whose offer rings Anouk's phone."""
    clock.set(OPEN)
    with line.app.app_context():
        add_agent(get_session(), "Anouk", ANOUK, "nl")
    caller = line.caller(CALLER)
    caller.start()
    for key in "1112":
        caller.press(key)
    assert caller.queued
    with line.app.app_context():
        offer = get_session().scalars(select(Offer)).one()
    yield Waiting(line, caller, offer.id, offer.call_sid or "")


def test_every_endpoint_plans_every_documented_value() -> None:
    for endpoint in ENDPOINTS:
        assert set(endpoint.expected) == set(endpoint.values()), endpoint.path
        assert endpoint.values(), endpoint.path


@pytest.mark.parametrize(("endpoint", "value"), CASES)
def test_each_value_gets_its_planned_answer(
    waiting: Waiting, endpoint: Endpoint, value: str
) -> None:
    sid = waiting.agent_sid if endpoint.leg == "agent" else waiting.caller.call_sid
    form = {
        "AccountSid": waiting.caller.account_sid,
        "CallSid": sid,
        "From": CALLER if endpoint.leg == "caller" else DESK_NUMBER,
        "To": DESK_NUMBER if endpoint.leg == "caller" else ANOUK,
        "CallStatus": "in-progress",
        "RecordingSid": "RE" + "1" * 32,
        "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
        "RecordingDuration": "7",
        endpoint.field: value,
    }
    url = endpoint.path.format(offer=waiting.offer_id)
    reply = InProcess(waiting.line.app, token=TOKEN).post(url, form)
    assert reply.status == 200, reply.body
    assert outcome(reply.body) == endpoint.expected[value], reply.body


@pytest.mark.parametrize("status", ["absent", "failed", "in-progress"])
def test_a_recording_without_audio_is_not_kept_on_the_report(waiting: Waiting, status: str) -> None:
    form = {
        "CallSid": waiting.caller.call_sid,
        "From": CALLER,
        "To": DESK_NUMBER,
        "RecordingSid": "RE" + "2" * 32,
        "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE2",
        "RecordingDuration": "0",
        "RecordingStatus": status,
    }
    transport = InProcess(waiting.line.app, token=TOKEN)
    assert transport.post("/voice/intake/recording-status?lang=nl", form).status == 200
    assert transport.post("/voice/safe/recorded", form).status == 200
    with waiting.line.app.app_context():
        kept = get_session().scalars(select(Incident.recording_url)).all()
    assert not any(kept)  # no incident points at a recording that has no audio


@pytest.mark.parametrize("result", values_of("QueueResult"))
def test_the_fake_twilio_emits_every_queue_result(waiting: Waiting, result: str) -> None:
    waiting.caller.leave_queue(result)
    assert not waiting.caller.queued
    assert result in [p.get("QueueResult") for _u, p in waiting.caller.requests]


@pytest.mark.parametrize("status", values_of("RecordingStatus"))
def test_the_fake_twilio_emits_every_recording_status(waiting: Waiting, status: str) -> None:
    waiting.caller.press("2")  # a report instead of waiting
    assert waiting.caller.waiting_for == "record"
    waiting.caller.record(duration=5, status=status)
    sent = [p.get("RecordingStatus") for _u, p in waiting.caller.requests]
    assert status in sent


@pytest.mark.parametrize("status", [s for s in values_of("CallStatus") if s != "in-progress"])
def test_the_fake_twilio_emits_every_call_status(waiting: Waiting, status: str) -> None:
    (leg_call,) = waiting.line.fake.calls.values()
    board = waiting.line.board
    board.pump()  # Anouk takes the caller
    leg = board.legs[leg_call.sid]
    leg.not_answered(status)
    assert leg.requests[-1][1]["CallStatus"] == status
