"""Agents log in and out by calling the line from their registered number (AGENT_PHONE_LOGIN).

Driven as Twilio drives the line: signed webhooks, every action and Redirect followed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ivr.db import get_session
from ivr.models import Agent
from ivr.phone.twilio_call import TwilioCall
from ivr.services.agents import add_agent
from ivr.services.presence import AWAY, change_by_hand, find_agent
from tests.conftest import local
from tests.voice.conftest import Line

OPEN = local(2026, 11, 24, 10, 0)
ANOUK, JONAS = "+31687000001", "+4917600000002"
STRANGER = "+31620000099"


@pytest.fixture
def desk(line: Line) -> Line:
    """Anouk (Dutch and German) is logged out; Jonas (German) is logged in."""
    line.app.config["AGENT_PHONE_LOGIN"] = True
    with line.app.app_context():
        session = get_session()
        add_agent(session, "Anouk", ANOUK, "nl,de")
        add_agent(session, "Jonas", JONAS, "de")
        change_by_hand(session, find_agent(session, "Anouk"), AWAY, OPEN)
    return line


def state_of(line: Line, name: str) -> tuple[str, str | None]:
    with line.app.app_context():
        agent = get_session().scalars(select(Agent).where(Agent.name == name)).one()
        return agent.presence, agent.presence_note


def test_an_agent_logs_in_by_phone_and_is_offered_the_next_caller(desk: Line) -> None:
    call = desk.caller(ANOUK)
    call.start()
    assert "Hallo Anouk" in call.heard
    assert "U bent afgemeld: de lijn biedt u geen gesprekken aan." in call.heard
    assert "Aanmelden: druk 1." in call.heard
    call.press("1")
    assert "U bent nu aangemeld. De lijn biedt u vanaf nu gesprekken aan." in call.heard
    assert call.waiting_for is None  # confirmed, then the line hangs up
    presence, note = state_of(desk, "Anouk")
    assert presence == "available" and note == "logged in by phone"
    # A Dutch caller now reaches her: she is the only Dutch speaker.
    caller = desk.caller("+31620000001")
    caller.start()
    for key in "1" + "1" + "12":
        caller.press(key)
    desk.board.pump()
    assert caller.bridged_to == ANOUK


def test_an_agent_logs_out_by_phone_in_their_own_language(desk: Line) -> None:
    call = desk.caller(JONAS)
    call.start()
    assert "Hallo Jonas" in call.heard
    assert "Sie sind angemeldet" in call.heard
    call.press("2")
    assert "Sie sind jetzt abgemeldet." in call.heard
    assert state_of(desk, "Jonas") == ("away", "logged out by phone")


@pytest.mark.parametrize("answer", ["3", "silence"])
def test_an_agent_can_go_on_as_an_ordinary_caller(desk: Line, answer: str) -> None:
    call = desk.caller(ANOUK)
    call.start()
    if answer == "silence":
        call.silence()
    else:
        call.press(answer)
    assert "Welkom bij de servicedesk." in call.heard
    assert call.waiting_for == "gather"
    call.press("1")  # a disruption: the caller's menus, as for anyone
    assert "Wie heeft er last van?" in call.heard
    assert state_of(desk, "Anouk")[0] == "away"


def first_minute(line: Line, number: str) -> list[str]:
    call: TwilioCall = line.caller(number)
    call.start()
    call.press("1")
    return [h.text for h in call.transcript if h.kind == "say"]


def test_everyone_else_hears_the_line_unchanged_and_never_the_agent_keys(desk: Line) -> None:
    with_login = first_minute(desk, STRANGER)
    desk.app.config["AGENT_PHONE_LOGIN"] = False
    without = first_minute(desk, "+31620000098")
    assert with_login == without
    assert not any("Aanmelden" in said or "Anmelden" in said for said in with_login)


def test_with_login_off_an_agent_hears_the_ordinary_line(desk: Line) -> None:
    desk.app.config["AGENT_PHONE_LOGIN"] = False
    call = desk.caller(ANOUK)
    call.start()
    assert "Anouk" not in call.heard and "Aanmelden" not in call.heard
    assert "Welkom bij de servicedesk." in call.heard


def test_with_a_pin_the_change_needs_it(desk: Line) -> None:
    desk.app.config["AGENT_PHONE_PIN"] = "4321"
    call = desk.caller(ANOUK)
    call.start()
    call.press("1")
    assert "Toets uw pincode en daarna het hekje." in call.heard
    call.press("1234#")
    assert "Die pincode klopt niet." in call.heard
    assert state_of(desk, "Anouk")[0] == "away"
    call.press("4321")
    assert "U bent nu aangemeld." in call.heard
    assert state_of(desk, "Anouk")[0] == "available"


def test_three_wrong_pins_end_the_call_unchanged(desk: Line) -> None:
    desk.app.config["AGENT_PHONE_PIN"] = "4321"
    call = desk.caller(JONAS)
    call.start()
    call.press("2")
    for _ in range(3):
        assert "Geben Sie Ihre PIN ein" in call.heard
        call.press("0000")
    assert "Diese PIN ist nicht richtig." in call.heard
    assert call.waiting_for is None
    assert state_of(desk, "Jonas")[0] == "available"


def test_an_agent_on_a_call_is_told_it_changes_by_itself(desk: Line) -> None:
    with desk.app.app_context():
        session = get_session()
        jonas = find_agent(session, "Jonas")
        jonas.presence = "on_call"
        session.commit()
    call = desk.caller(JONAS)
    call.start()
    call.press("2")
    assert "Sie sind gerade in einem Gespräch" in call.heard
    assert state_of(desk, "Jonas")[0] == "on_call"
