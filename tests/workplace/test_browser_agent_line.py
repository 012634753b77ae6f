"""A browser agent (`client:anna`) on the line, end to end through the signed webhooks: the
fake Twilio rings the identity, Accept bridges, Decline goes to the next agent, a dead tab is
offered nothing and set away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Agent
from tests.conftest import local
from tests.voice.conftest import Line, incident_of
from tests.workplace.conftest import SOFTPHONE, agent_user, heartbeat, logged_in, queue_up

OPEN = local(2026, 11, 24, 10, 0)
ANNA, PIET = "client:anna", "+31687000012"


@pytest.fixture
def desk(softphone_line: Line, clock: FixedClock) -> Line:
    clock.set(OPEN)
    agent_user(softphone_line.app, "Anna", ANNA, "anna", "nl")
    return softphone_line


def presence(line: Line, name: str) -> tuple[str, str | None]:
    with line.app.app_context():
        agent = get_session().scalars(select(Agent).where(Agent.name == name)).one()
        return agent.presence, agent.presence_note


def sweep(line: Line) -> str:
    result = line.app.test_cli_runner().invoke(args=["queue", "sweep"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_browser_agent_accepts_and_is_bridged(desk: Line) -> None:
    heartbeat(logged_in(desk.app, "anna"))
    desk.board.phone(ANNA, "accept")  # the softphone's Accept button
    call = queue_up(desk, "nl", "+31612340001")
    assert [c.to for c in desk.fake.calls.values()] == [ANNA]  # the identity is rung
    desk.board.pump()
    assert call.bridged_to == ANNA
    leg = desk.board.legs[next(iter(desk.fake.calls))]
    assert "queue:" + call.call_sid in leg.dialled  # no whisper to key 1: Accept screened it
    assert incident_of(desk.app, call).acknowledged_by == "Anna"
    assert presence(desk, "Anna")[0] == "on_call"
    desk.board.finish(ANNA)
    assert presence(desk, "Anna")[0] == "wrap_up"


def test_a_declined_browser_offer_goes_to_the_next_agent(desk: Line) -> None:
    agent_user(desk.app, "Piet", PIET, "piet", "nl")
    heartbeat(logged_in(desk.app, "anna"))
    desk.board.phone(ANNA, "decline")
    call = queue_up(desk, "nl", "+31612340002")
    desk.board.pump()
    assert [what for _to, what in desk.board.rung] == ["decline", "accept"]
    assert call.bridged_to == PIET
    state, note = presence(desk, "Anna")
    assert state == "away" and note and "declined an offer (in the browser)" in note


def test_a_closed_tab_is_offered_nothing_and_set_away(desk: Line, clock: FixedClock) -> None:
    agent_user(desk.app, "Piet", PIET, "piet", "nl")
    anna = logged_in(desk.app, "anna")
    heartbeat(anna)
    clock.set(OPEN + timedelta(seconds=31))  # no heartbeat for longer than the grace
    call = queue_up(desk, "nl", "+31612340003")
    assert [c.to for c in desk.fake.calls.values()] == [PIET]  # not Anna's dead tab
    desk.board.pump()
    assert call.bridged_to == PIET
    assert "Anna away: softphone not registered" in sweep(desk)
    state, note = presence(desk, "Anna")
    assert state == "away" and note and "softphone not registered" in note
    # The page comes back: registered again, she takes calls again.
    assert heartbeat(anna) == "available"


def test_the_terminal_phone_plays_a_browser_agent(desk: Line) -> None:
    """`flask call --agents accept` drives the same switchboard: for a `client:` address its
    accept is the Accept button (the offer is answered and bridged, no key pressed)."""
    heartbeat(logged_in(desk.app, "anna"))
    call = queue_up(desk, "nl", "+31612340004")
    desk.board.pump()  # the switchboard's default behaviour is accept
    assert call.bridged_to == ANNA
    assert not any(
        h.kind == "caller" and h.text.startswith("presses")
        for h in desk.board.legs[next(iter(desk.fake.calls))].transcript
    )


def test_flask_call_with_agents_accept_plays_the_browsers_accept_button(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(**SOFTPHONE)
    agent_user(app, "Anna", ANNA, "anna", "nl")
    result = app.test_cli_runner().invoke(
        args=["call", "--keep", "--at", "2026-11-24 10:00", "--keys", "1,1,1,1"]
    )
    assert result.exit_code == 0, result.output
    assert "[agent client:anna phone: accept]" in result.output
    assert "Gesprek aannemen: druk 1." not in result.output  # Accept is the screening
    with app.app_context():
        from ivr.models import Incident

        (incident,) = get_session().scalars(select(Incident))
        assert incident.acknowledged_by == "Anna"


def test_without_the_softphone_a_client_agent_is_rung_as_before(line: Line) -> None:
    """No API key, no TwiML App: a `client:` address is an identity some other app registers;
    the line neither watches its heartbeat nor skips the whisper."""
    agent_user(line.app, "Anna", ANNA, "anna", "nl")
    call = queue_up(line, "nl", "+31612340005")
    assert [c.to for c in line.fake.calls.values()] == [ANNA]
    line.board.pump()
    leg = line.board.legs[next(iter(line.fake.calls))]
    assert any(
        h.kind == "caller" and h.text.startswith("presses") for h in leg.transcript
    )  # screened with the key 1, as before
    assert call.bridged_to == ANNA
    assert line.app.extensions["ivr.queue"].softphone_grace_seconds == 0  # nobody is watched
