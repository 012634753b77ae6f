"""A callback the caller does not answer: tried again after CALLBACK_RETRY_SECONDS, at most
CALLBACK_ATTEMPTS times, then left as a report for the next working day (the caller is told by
text message, the agent by voice).

Driven as Twilio drives the line: signed webhooks, the agents' phones and the callback's
`<Dial>` played by the switchboard behind the fake REST API.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import OutboxMessage, QueueEntry
from ivr.phone.twilio_call import TwilioCall
from ivr.services.agents import add_agent
from ivr.services.queue import QueueSettings
from tests.conftest import local
from tests.voice.conftest import Line, incident_of

OPEN = local(2026, 11, 24, 10, 0)  # a Tuesday
ANOUK = "+31687000001"
WAITING_CALLER, CALLBACK_CALLER = "+31620000010", "+31620000012"
RETRY = timedelta(minutes=10)


@pytest.fixture
def desk(line: Line, clock: FixedClock) -> Line:
    """One Dutch agent; callbacks tried three times, ten minutes apart; text messages on."""
    clock.set(OPEN)
    config = line.app.config
    config.update(
        PUBLIC_URL="https://ivr.example.test",
        CALLBACK_ATTEMPTS=3,
        CALLBACK_RETRY_SECONDS=int(RETRY.total_seconds()),
        MESSAGES_FROM="+31413741742",
    )
    line.app.extensions["ivr.queue"] = QueueSettings.from_config(config)
    line.app.extensions["ivr.desk"] = type(line.app.extensions["ivr.desk"]).from_config(config)
    with line.app.app_context():
        add_agent(get_session(), "Anouk", ANOUK, "nl")
    return line


def queue_up(line: Line, number: str) -> TwilioCall:
    call = line.caller(number)
    call.start()
    for key in "1" + "1" + "12":  # Dutch, a disruption, all users, some functions fail
        call.press(key)
    assert call.queued, call.as_text()
    return call


def ask_for_a_callback(desk: Line) -> TwilioCall:
    queue_up(desk, WAITING_CALLER)  # offered to Anouk at once
    second = queue_up(desk, CALLBACK_CALLER)
    second.press("1")  # a callback, keeping the place
    second.press("1")  # this number
    assert second.waiting_for is None
    desk.board.pump()  # Anouk takes the first caller
    return second


def sweep(desk: Line) -> str:
    result = desk.app.test_cli_runner().invoke(args=["queue", "sweep"])
    assert result.exit_code == 0, result.output
    return result.output


def entry_of(desk: Line, call: TwilioCall) -> QueueEntry:
    with desk.app.app_context():
        return (
            get_session().scalars(select(QueueEntry).where(QueueEntry.call_sid == call.call_sid))
        ).one()


def offers_to_anouk(desk: Line) -> int:
    return len(desk.fake.calls_to(ANOUK))


def agent_heard(desk: Line) -> str:
    leg = list(desk.board.legs.values())[-1]
    return " ".join(h.text for h in leg.transcript)


def test_a_callback_not_answered_is_retried_after_the_delay_then_left_as_a_report(
    desk: Line, clock: FixedClock
) -> None:
    desk.board.callee(CALLBACK_CALLER, "no-answer")
    caller = ask_for_a_callback(desk)
    desk.board.finish(ANOUK)  # free: the callback is offered, she takes it, nobody answers
    desk.board.pump()
    assert offers_to_anouk(desk) == 2
    assert "De beller nam niet op. We proberen het om 10:10 opnieuw." in agent_heard(desk)
    entry = entry_of(desk, caller)
    assert (entry.status, entry.callback_attempts) == ("waiting", 1)

    clock.set(OPEN + timedelta(minutes=5))  # Anouk is free, but the delay has not passed
    sweep(desk)
    desk.board.pump()
    assert offers_to_anouk(desk) == 2

    clock.set(OPEN + RETRY)  # the second attempt, still no answer
    sweep(desk)
    desk.board.pump()
    assert offers_to_anouk(desk) == 3
    assert "We proberen het om 10:20 opnieuw." in agent_heard(desk)

    clock.set(OPEN + 2 * RETRY)  # the third and last attempt
    sweep(desk)
    desk.board.pump()
    assert offers_to_anouk(desk) == 4
    assert "De beller nam niet op. Het blijft een melding voor de volgende werkdag." in agent_heard(
        desk
    )
    assert entry_of(desk, caller).status == "report"
    incident = incident_of(desk.app, caller)
    assert incident.status == "open" and incident.acknowledged_by is None
    assert incident.callback_number == CALLBACK_CALLER
    with desk.app.app_context():
        (message,) = get_session().scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == CALLBACK_CALLER)
        )
    body = json.loads(message.payload)["body"]
    assert "we hebben u niet kunnen terugbellen" in body
    assert "woensdag 25 november om 08:30" in body  # the next working day's opening

    clock.set(OPEN + 3 * RETRY)  # nothing more is tried
    sweep(desk)
    desk.board.pump()
    assert offers_to_anouk(desk) == 4


def test_a_callback_answered_on_the_second_attempt_is_reached(
    desk: Line, clock: FixedClock
) -> None:
    desk.board.callee(CALLBACK_CALLER, "no-answer", "completed")
    caller = ask_for_a_callback(desk)
    desk.board.finish(ANOUK)
    desk.board.pump()
    clock.set(OPEN + RETRY)
    sweep(desk)
    desk.board.pump()
    assert (ANOUK, CALLBACK_CALLER) in desk.board.connected
    assert entry_of(desk, caller).status == "done"
    assert incident_of(desk.app, caller).acknowledged_by == "Anouk"


@pytest.mark.parametrize(
    "swept_at",
    [local(2026, 11, 24, 17, 5), local(2026, 11, 25, 7, 0)],
    ids=["at-17:05", "at-07:00"],
)
def test_a_callback_not_reached_before_closing_is_told_the_next_opening(
    desk: Line, clock: FixedClock, swept_at
) -> None:  # type: ignore[no-untyped-def]
    caller = ask_for_a_callback(desk)  # Anouk stays on the first call until the desk closes
    clock.set(swept_at)
    assert "left as a report (the desk closed)" in sweep(desk)
    assert entry_of(desk, caller).status == "report"
    with desk.app.app_context():
        (message,) = get_session().scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == CALLBACK_CALLER)
        )
    body = json.loads(message.payload)["body"]
    assert "op woensdag 25 november om 08:30" in body  # the next opening, not a day later
