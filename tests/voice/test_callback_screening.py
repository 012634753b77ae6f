"""A callback answered by a mailbox is not reached: the caller's leg is screened before the agent
is put through (Twilio's answering-machine detection and a key 1), retried, then a report with a
text message, as for a callback nobody answers (tests/voice/test_callback_retry.py).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import OutboxMessage
from tests.voice.conftest import Line, incident_of
from tests.voice.test_callback_retry import (
    ANOUK,
    CALLBACK_CALLER,
    OPEN,
    RETRY,
    agent_heard,
    ask_for_a_callback,
    desk,  # noqa: F401  the fixture: one Dutch agent, three attempts, text messages on
    entry_of,
    offers_to_anouk,
    sweep,
)


@pytest.mark.parametrize("mailbox", ["voicemail", "voicemail-undetected"])
def test_a_callback_answered_by_a_mailbox_is_retried_then_reported_with_a_text(
    desk: Line,  # noqa: F811
    clock: FixedClock,
    mailbox: str,
) -> None:
    desk.board.callee(CALLBACK_CALLER, mailbox)
    caller = ask_for_a_callback(desk)
    desk.board.finish(ANOUK)  # free: the callback is offered, she takes it, a mailbox answers
    desk.board.pump()
    assert (ANOUK, CALLBACK_CALLER) not in desk.board.connected
    assert "We proberen het om 10:10 opnieuw." in agent_heard(desk)
    entry = entry_of(desk, caller)
    assert (entry.status, entry.callback_attempts) == ("waiting", 1)
    assert incident_of(desk.app, caller).acknowledged_by is None
    for attempt in (1, 2):
        clock.set(OPEN + attempt * RETRY)
        sweep(desk)
        desk.board.pump()
    assert offers_to_anouk(desk) == 4
    assert "Het blijft een melding voor de volgende werkdag." in agent_heard(desk)
    assert entry_of(desk, caller).status == "report"
    incident = incident_of(desk.app, caller)
    assert incident.status == "open" and incident.acknowledged_by is None
    with desk.app.app_context():
        (message,) = get_session().scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == CALLBACK_CALLER)
        )
    assert "we hebben u niet kunnen terugbellen" in json.loads(message.payload)["body"]


def test_a_person_hears_who_calls_and_presses_1_to_be_put_through(
    desk: Line,  # noqa: F811
) -> None:
    caller = ask_for_a_callback(desk)
    desk.board.finish(ANOUK)
    desk.board.pump()
    assert (ANOUK, CALLBACK_CALLER) in desk.board.connected
    whispered = " ".join(desk.board.legs[list(desk.board.legs)[-1]].whispers)
    assert "U wordt teruggebeld door de servicedesk" in whispered
    assert "Druk op 1 om de servicedesk te spreken." in whispered
    assert entry_of(desk, caller).status == "done"
    assert incident_of(desk.app, caller).acknowledged_by == "Anouk"


def test_the_callback_dial_asks_twilio_for_answering_machine_detection(
    desk: Line,  # noqa: F811
) -> None:
    ask_for_a_callback(desk)
    desk.board.finish(ANOUK)
    desk.board.pump()
    leg = desk.board.legs[list(desk.board.legs)[-1]]
    (_url, form) = next(r for r in leg.requests if "/callback/greeting" in r[0])
    assert form.get("AnsweredBy") == "human"  # sent because the <Number> asked for it
