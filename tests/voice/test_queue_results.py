"""Every QueueResult Twilio sends to the `<Enqueue>`'s action has a deliberate outcome.

Twilio documents the values (twilio.com/docs/voice/twiml/enqueue#attributes-action-parameters);
the fake plays each with `TwilioCall.leave_queue`. Driven as Twilio drives the line: signed
webhooks, the agents' phones played by the switchboard behind the fake REST API.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Agent, QueueEntry
from ivr.phone.transport import Reply, Transport
from ivr.phone.twilio_call import TwilioCall
from ivr.services.agents import add_agent
from ivr.services.desk import Desk
from tests.conftest import local
from tests.voice.conftest import DESK_NUMBER, Line, call_row, incident_of

OPEN = local(2026, 11, 24, 10, 0)
ANOUK = "+31687000001"
FALLBACK = "+31401234567"
CALLER = "+31620000001"
GONE = "Deze beller wacht niet meer."


@pytest.fixture
def desk(line: Line, clock: FixedClock) -> Line:
    clock.set(OPEN)
    with line.app.app_context():
        add_agent(get_session(), "Anouk", ANOUK, "nl")
    return line


def with_fallback(line: Line) -> None:
    line.app.config["FALLBACK_NUMBER"] = FALLBACK
    line.app.extensions["ivr.desk"] = Desk.from_config(line.app.config)


def queue_up(line: Line, number: str = CALLER) -> TwilioCall:
    call = line.caller(number)
    call.start()
    for key in "1112":  # Dutch, a disruption, everyone, some functions fail
        call.press(key)
    assert call.queued, call.as_text()
    return call


def presence(line: Line) -> str:
    with line.app.app_context():
        return get_session().scalars(select(Agent).where(Agent.name == "Anouk")).one().presence


def entry(line: Line, call: TwilioCall) -> QueueEntry:
    with line.app.app_context():
        return (
            get_session().scalars(select(QueueEntry).where(QueueEntry.call_sid == call.call_sid))
        ).one()


def test_a_system_error_while_the_agent_hears_the_whisper_never_bridges_them(
    desk: Line,
) -> None:
    """Done-when of issue 23: the caller is gone for good, and the agent hears so."""
    desk.board.phone(ANOUK, "answer")
    call = queue_up(desk)
    desk.board.pump()  # Anouk answers; the whisper plays and waits for her key
    (leg,) = desk.board.legs.values()
    assert leg.waiting_for == "gather"
    call.leave_queue("system-error")
    assert not call.queued and call.waiting_for == "record", call.as_text()  # a report
    desk.board.pump()  # the line sent her phone to the "gone" message
    heard = " ".join(h.text for h in leg.transcript)
    assert GONE in heard
    assert leg.waiting_for is None  # hung up: nothing to press
    assert presence(desk) == "available"  # free again, not set away
    assert entry(desk, call).status == "left"
    desk.board.pump()
    assert desk.board.connected == [] and call.bridged_to is None
    assert len(desk.fake.calls_to(ANOUK)) == 1  # nobody is rung for them again
    assert incident_of(desk.app, call).acknowledged_by is None


@pytest.mark.parametrize("result", ["queue-full", "error", "system-error"])
def test_a_failed_queue_withdraws_the_ringing_offer(desk: Line, result: str) -> None:
    call = queue_up(desk)
    (offer,) = desk.fake.calls.values()  # Anouk's phone rings
    call.leave_queue(result)
    assert desk.fake.calls[offer.sid].status in ("canceled", "completed")
    desk.board.pump()
    assert (ANOUK, "withdrawn") in desk.board.rung
    assert presence(desk) == "available"
    assert entry(desk, call).status == "left"
    assert call.waiting_for == "record"  # the caller goes on to a report


@pytest.mark.parametrize("from_number", [CALLER, "anonymous"])
def test_after_a_queue_error_the_fallback_number_is_dialled_with_a_continuation(
    desk: Line, from_number: str
) -> None:
    with_fallback(desk)
    call = queue_up(desk, from_number)
    call.leave_queue("error")
    assert call.waiting_for == "dial" and call.dialled[-1] == FALLBACK
    dial = call.waiting_attributes
    assert dial.get("action"), dial
    assert dial.get("callerId") == DESK_NUMBER  # a withheld caller's ID is never passed on
    call.dial_outcome("no-answer")
    assert "Er neemt op dit moment niemand op." in call.heard, call.as_text()
    assert call.waiting_for == "record"  # the caller leaves a report, not hung up on


def test_a_fallback_conversation_after_the_queue_ends_the_call(desk: Line) -> None:
    with_fallback(desk)
    call = queue_up(desk)
    call.leave_queue("queue-full")
    call.dial_outcome("completed")
    assert call.waiting_for is None
    assert call_row(desk.app, call).outcome != "agent answered"


@pytest.mark.parametrize("result", ["bridging-in-process", "redirected"])
def test_no_bridge_yet_is_not_logged_as_agent_answered(desk: Line, result: str) -> None:
    call = queue_up(desk)
    call.leave_queue(result)
    assert call_row(desk.app, call).outcome != "agent answered"
    assert incident_of(desk.app, call).acknowledged_by is None


def test_the_incident_is_acknowledged_only_once_twilio_bridges_the_caller(desk: Line) -> None:
    desk.board.phone(ANOUK, "answer")
    call = queue_up(desk)
    desk.board.pump()
    (leg,) = desk.board.legs.values()
    leg.press("1")  # she takes it; her <Dial><Queue> is about to dequeue the caller
    assert leg.waiting_for == "dial"
    assert incident_of(desk.app, call).acknowledged_by is None  # not bridged yet
    call.leave_queue("system-error")  # Twilio lost the caller before the bridge
    leg.dial_outcome("no-answer")
    assert GONE in leg.heard
    incident = incident_of(desk.app, call)
    assert incident.acknowledged_by is None and incident.status != "acknowledged"
    assert entry(desk, call).status == "left"


def test_a_real_bridge_acknowledges_the_incident_in_the_agents_name(desk: Line) -> None:
    call = queue_up(desk)
    desk.board.pump()
    assert call.bridged_to == ANOUK
    assert incident_of(desk.app, call).acknowledged_by == "Anouk"
    desk.board.finish(ANOUK)
    assert call_row(desk.app, call).outcome == "agent answered"


class Watching:
    """Posts through `inner` and notes how many agents' calls existed when each answer came."""

    def __init__(self, inner: Transport, line: Line) -> None:
        self.inner, self.line = inner, line
        self.seen: list[tuple[str, int]] = []
        self.base_url = inner.base_url

    def post(
        self, url: str, form: Mapping[str, str], headers: Mapping[str, str] | None = None
    ) -> Reply:
        reply = self.inner.post(url, form, headers)
        self.seen.append(
            (url.split("?", maxsplit=1)[0].rsplit("/voice/", 1)[-1], len(self.line.fake.calls))
        )
        return reply


def test_agents_are_rung_only_once_the_caller_is_in_twilios_queue(desk: Line) -> None:
    transport = Watching(desk.board.transport, desk)
    call = TwilioCall(transport, from_number=CALLER, to_number=DESK_NUMBER)
    desk.board.callers[call.call_sid] = call
    call.start()
    for key in "1112":
        call.press(key)
    rung_at = dict(reversed(transport.seen))  # the first answer of each webhook
    assert rung_at["route"] == 0  # the <Enqueue> is answered before anybody rings
    assert rung_at["queue/wait"] == 1  # Twilio's first waitUrl request: now Anouk rings
    desk.board.pump()
    assert call.bridged_to == ANOUK
