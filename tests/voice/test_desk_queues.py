"""Agents and queues per desk (issue 26), end to end through the signed webhooks.

Two desks on one line, each with its own number and agents: a caller waits in their desk's
order and only that desk's agents ring; an agent of both desks gets the most urgent caller of
either, and the whisper names the desk; a callback keeps its desk and is placed from its number.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.domain.hours import OpeningHours
from ivr.models import QueueEntry
from ivr.phone.twilio_call import TwilioCall
from ivr.services.agents import add_agent
from ivr.services.board import wall_board
from ivr.services.queue import QueueSettings
from tests.conftest import local
from tests.support.desks import DESK_A_NUMBER, DESK_B_NUMBER, two_desks
from tests.voice.conftest import Line

OPEN = local(2026, 11, 24, 10, 0)
ANOUK, BRAM, SANNE = "+31687000001", "+31687000002", "+31687000003"
CATEGORY_KEYS = {1: "11", 3: "22"}  # impact, severity


@pytest.fixture
def desks(line: Line, clock: FixedClock) -> Line:
    clock.set(OPEN)
    two_desks(line.app)
    return line


def agent(line: Line, name: str, number: str, *desks: str) -> None:
    with line.app.app_context():
        add_agent(get_session(), name, number, "nl", desks, known=("a", "b"))


def dial(line: Line, desk_number: str, caller: str) -> TwilioCall:
    """A caller dials one desk's number (the switchboard knows them when they are dequeued)."""
    call = TwilioCall(line.board.transport, from_number=caller, to_number=desk_number)
    line.board.callers[call.call_sid] = call
    return call


def queue_up(line: Line, desk_number: str, caller: str, category: int = 3) -> TwilioCall:
    call = dial(line, desk_number, caller)
    call.start()
    for key in "1" + "1" + CATEGORY_KEYS[category]:  # Dutch, a disruption, impact, severity
        call.press(key)
    assert call.queued, call.as_text()
    return call


def entry(line: Line, call: TwilioCall) -> QueueEntry:
    with line.app.app_context():
        query = select(QueueEntry).where(QueueEntry.call_sid == call.call_sid)
        return get_session().scalars(query).one()


def whisper(line: Line, sid: str) -> str:
    return " ".join(h.text for h in line.board.legs[sid].transcript)


def test_a_caller_of_desk_a_rings_only_desk_a_agents(desks: Line) -> None:
    agent(desks, "Bram", BRAM, "b")  # free, speaks Dutch, first in line: but of desk B
    agent(desks, "Anouk", ANOUK, "a")
    call = queue_up(desks, DESK_A_NUMBER, "+31620000001")
    desks.board.pump()
    assert [number for number, _what in desks.board.rung] == [ANOUK]
    assert call.bridged_to == ANOUK
    assert entry(desks, call).desk == "a"
    (offer,) = desks.fake.calls.values()
    assert offer.from_ == DESK_A_NUMBER  # the agent's phone shows the desk's own number
    assert "Een beller van Desk A." in whisper(desks, offer.sid)
    assert desks.fake.calls_to(BRAM) == []

    other = queue_up(desks, DESK_B_NUMBER, "+31620000002")
    desks.board.pump()
    assert other.bridged_to == BRAM and entry(desks, other).desk == "b"
    (to_bram,) = desks.fake.calls_to(BRAM)
    assert to_bram.from_ == DESK_B_NUMBER


def test_a_desk_without_its_own_agent_does_not_queue_for_another_desks(desks: Line) -> None:
    agent(desks, "Anouk", ANOUK, "a")
    call = dial(desks, DESK_B_NUMBER, "+31620000003")
    call.start()
    for key in "1122":
        call.press(key)
    assert not call.queued
    assert "Er is op dit moment geen collega beschikbaar." in call.as_text()
    assert call.waiting_for == "record"  # a report instead
    assert desks.fake.calls == {}


def test_an_agent_of_both_desks_gets_the_most_urgent_caller_of_either(
    desks: Line, clock: FixedClock
) -> None:
    agent(desks, "Sanne", SANNE, "a", "b")
    first = queue_up(desks, DESK_A_NUMBER, "+31620000010")
    desks.board.pump()
    assert first.bridged_to == SANNE  # busy now: the next two wait
    clock.set(OPEN + timedelta(minutes=1))
    waiting_a = queue_up(desks, DESK_A_NUMBER, "+31620000011", category=3)
    clock.set(OPEN + timedelta(minutes=2))
    urgent_b = queue_up(desks, DESK_B_NUMBER, "+31620000012", category=1)
    # Each hears their own desk's position: both are number 1 in their desk's queue.
    assert "nummer 1 in de wachtrij" in waiting_a.as_text()
    assert "nummer 1 in de wachtrij" in urgent_b.as_text()
    with desks.app.app_context():
        wall = wall_board(get_session(), desks.app.extensions["ivr.queue"], clock.now())
    assert [(c.desk, c.position) for c in wall.callers] == [("b", 1), ("a", 1)]
    listed = desks.app.test_cli_runner().invoke(args=["queue", "list"]).output
    assert "caller   1. b nl category 1" in listed and "caller   1. a nl category 3" in listed
    desks.board.phone(SANNE, "answer")
    desks.board.finish(SANNE)  # free again: offered the category-1 caller of desk B first
    desks.board.pump()
    offer = desks.fake.calls_to(SANNE)[-1]
    assert offer.from_ == DESK_B_NUMBER
    heard = whisper(desks, offer.sid)
    assert "Een beller van Desk B." in heard and "Desk A" not in heard
    leg = desks.board.legs[offer.sid]
    leg.press("1")
    assert leg.waiting_attributes_of("Queue") and urgent_b.call_sid in leg.dialled[-1]
    assert entry(desks, urgent_b).status == "connected"
    assert entry(desks, waiting_a).status == "waiting"


def test_a_callback_keeps_its_desk_and_is_placed_from_its_number(
    desks: Line, clock: FixedClock
) -> None:
    agent(desks, "Bram", BRAM, "b")
    agent(desks, "Anouk", ANOUK, "a")  # free all along: never rung for desk B's callback
    first = queue_up(desks, DESK_B_NUMBER, "+31620000020")
    desks.board.pump()
    assert first.bridged_to == BRAM
    clock.set(OPEN + timedelta(minutes=1))
    caller = queue_up(desks, DESK_B_NUMBER, "+31620000021")
    caller.press("1")  # a callback, keeping the place
    caller.press("1")  # at this number
    assert caller.waiting_for is None
    assert (entry(desks, caller).mode, entry(desks, caller).desk) == ("callback", "b")
    desks.board.phone(BRAM, "answer")
    desks.board.finish(BRAM)  # free: the callback is offered to him
    desks.board.pump()
    offer = desks.fake.calls_to(BRAM)[-1]
    assert offer.from_ == DESK_B_NUMBER
    assert "Een beller van Desk B." in whisper(desks, offer.sid)
    leg = desks.board.legs[offer.sid]
    leg.press("1")
    assert leg.waiting_for == "dial"
    assert leg.waiting_attributes["callerId"] == DESK_B_NUMBER  # the caller sees desk B ringing
    assert leg.dialled[-1] == "+31620000021"
    assert desks.fake.calls_to(ANOUK) == []


def ask_for_a_callback(line: Line, desk_number: str, first: str, second: str) -> TwilioCall:
    """The desk's agent takes `first`; `second` then asks to be called back at their number."""
    queue_up(line, desk_number, first)
    line.board.pump()
    caller = queue_up(line, desk_number, second)
    caller.press("1")  # a callback, keeping the place
    caller.press("1")  # at this number
    assert caller.waiting_for is None
    return caller


def test_a_desk_that_closes_leaves_its_own_callbacks_as_reports(
    line: Line, clock: FixedClock
) -> None:
    """The sweeper: desk B closes at 12:00, desk A stays open; only B's callback is a report."""
    clock.set(OPEN)
    line.app.config["PUBLIC_URL"] = "https://ivr.example.test"
    line.app.extensions["ivr.queue"] = QueueSettings.from_config(line.app.config)
    two_desks(line.app, hours=OpeningHours.parse("mon-fri 08:30-12:00"))
    agent(line, "Anouk", ANOUK, "a")
    agent(line, "Bram", BRAM, "b")
    of_a = ask_for_a_callback(line, DESK_A_NUMBER, "+31620000030", "+31620000031")
    of_b = ask_for_a_callback(line, DESK_B_NUMBER, "+31620000032", "+31620000033")
    clock.set(local(2026, 11, 24, 12, 30))
    result = line.app.test_cli_runner().invoke(args=["queue", "sweep"])
    assert result.exit_code == 0, result.output
    assert f"callback {entry(line, of_b).id} left as a report (desk b closed)" in result.output
    assert (entry(line, of_b).status, entry(line, of_a).status) == ("report", "waiting")


def test_the_queue_limit_counts_per_desk(desks: Line) -> None:
    desks.app.config["QUEUE_MAX_LENGTH"] = 1
    desks.app.extensions["ivr.queue"] = QueueSettings.from_config(desks.app.config)
    agent(desks, "Anouk", ANOUK, "a")
    agent(desks, "Bram", BRAM, "b")
    queue_up(desks, DESK_A_NUMBER, "+31620000040")  # Anouk's phone rings for them
    full = dial(desks, DESK_A_NUMBER, "+31620000041")
    full.start()
    for key in "1122":
        full.press(key)
    assert not full.queued  # desk A's queue is full ...
    assert queue_up(desks, DESK_B_NUMBER, "+31620000042").queued  # ... desk B's is not
