"""The queue end to end: callers wait, agents' phones are offered calls, screened, bridged.

Every request is a signed webhook the way Twilio posts it; the agents' phones are played by the
switchboard behind the fake REST API (tests/voice/conftest.py `line`).
"""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Agent, Offer, QueueEntry
from ivr.phone.twilio_call import TwilioCall
from ivr.services.agents import add_agent
from ivr.services.board import wall_board
from tests.conftest import local
from tests.voice.conftest import Line, incident_of

OPEN = local(2026, 11, 24, 10, 0)
ANOUK, JONAS, SANNE = "+31687000001", "+4917600000002", "+31687000003"
LANGUAGE_KEY = {"nl": "1", "de": "2"}
CATEGORY_KEYS = {1: "11", 2: "12", 3: "22", 4: "33"}  # impact, severity
POSITION = re.compile(r"(?:nummer|Nummer) (\d+) in (?:de wachtrij|der Warteschlange)")


@pytest.fixture
def desk(line: Line, clock: FixedClock) -> Line:
    """Three agents: Dutch, German, and one who speaks both."""
    clock.set(OPEN)
    with line.app.app_context():
        session = get_session()
        add_agent(session, "Anouk", ANOUK, "nl")
        add_agent(session, "Jonas", JONAS, "de")
        add_agent(session, "Sanne", SANNE, "nl,de")
    return line


def queue_up(line: Line, lang: str, category: int, number: str) -> TwilioCall:
    call = line.caller(number)
    call.start()
    for key in LANGUAGE_KEY[lang] + "1" + CATEGORY_KEYS[category]:
        call.press(key)
    assert call.queued, call.as_text()
    return call


def positions(call: TwilioCall) -> list[int]:
    return [int(m) for h in call.transcript if h.kind == "say" for m in POSITION.findall(h.text)]


def presence(line: Line, name: str) -> tuple[str, str | None]:
    with line.app.app_context():
        agent = get_session().scalars(select(Agent).where(Agent.name == name)).one()
        return agent.presence, agent.presence_note


def on_the_wall_board(line: Line, name: str) -> str:
    with line.app.app_context():
        wall = wall_board(get_session(), line.app.extensions["ivr.queue"], OPEN)
    return next(a.presence for a in wall.agents if a.name == name)


def test_twelve_callers_three_agents_category_1_first_nobody_twice(
    desk: Line, clock: FixedClock
) -> None:
    board = desk.board
    board.phone(SANNE, "voicemail", "accept")  # her mobile's voicemail picks up the first offer
    plan = [("nl", 3), ("de", 4), ("nl", 2), ("de", 3), ("nl", 4), ("de", 2), ("nl", 3),
            ("de", 3), ("nl", 2), ("de", 4), ("nl", 1), ("de", 1)]  # fmt: skip
    callers: list[tuple[str, int, TwilioCall]] = []
    for i, (lang, category) in enumerate(plan):
        clock.set(OPEN + timedelta(minutes=i))
        callers.append((lang, category, queue_up(desk, lang, category, f"+316200000{i:02d}")))
    clock.set(OPEN + timedelta(minutes=15))
    first_offers = {call.to for call in desk.fake.calls.values()}
    assert first_offers == {ANOUK, JONAS, SANNE}  # one offer each, no more
    seen_connected: set[str] = set()
    for _ in range(30):
        board.pump()
        live = [c.to for c in desk.fake.live_calls()]
        assert len(live) == len(set(live)), "an agent has two offers at once"
        connected_now = [sid for _agent, sid in board.connected]
        assert len(connected_now) == len(set(connected_now)), "a caller was connected twice"
        seen_connected = set(connected_now)
        if presence(desk, "Sanne")[0] == "away":
            assert "missed an offer" in (presence(desk, "Sanne")[1] or "") or "declined" in (
                presence(desk, "Sanne")[1] or ""
            )
            desk.app.test_cli_runner().invoke(args=["agents", "presence", "Sanne", "available"])
        board.finish_all()
        for _lang, _cat, call in callers:
            if call.queued:
                call.keep_waiting()
        if not any(call.queued for _l, _c, call in callers):
            break
    assert ("+31687000003", "voicemail") in board.rung
    by_sid = {call.call_sid: (lang, cat) for lang, cat, call in callers}
    speaks = {ANOUK: {"nl"}, JONAS: {"de"}, SANNE: {"nl", "de"}}
    order: dict[str, list[int]] = {"nl": [], "de": []}
    for agent, sid in board.connected:
        lang, category = by_sid[sid]
        assert lang in speaks[agent]
        order[lang].append(category)
    assert seen_connected == set(by_sid)  # every caller reached an agent
    for lang in ("nl", "de"):
        # The category-1 caller came last but is served right after those already being offered.
        assert order[lang].index(1) <= 2, order
    for _lang, _cat, call in callers:
        heard = positions(call)
        assert heard and all(a >= b for a, b in pairwise(heard)), heard
        assert incident_of(desk.app, call).status == "acknowledged"


def test_a_declined_offer_keeps_the_caller_waiting_for_the_next_agent(desk: Line) -> None:
    desk.board.phone(ANOUK, "decline")
    call = queue_up(desk, "nl", 2, "+31620000001")
    desk.board.pump()  # Anouk presses 2: declined, away; Sanne is offered the caller next
    assert [what for _n, what in desk.board.rung] == ["decline", "accept"]
    assert call.bridged_to == SANNE
    state, note = presence(desk, "Anouk")
    assert state == "away" and note and "declined an offer (key 2)" in note
    assert incident_of(desk.app, call).acknowledged_by == "Sanne"
    assert presence(desk, "Sanne")[0] == "on_call"
    desk.board.finish(SANNE)
    assert presence(desk, "Sanne")[0] == "wrap_up"
    assert on_the_wall_board(desk, "Sanne") == "available"  # a wrap-up of 0 s in these tests


def test_a_phone_that_rings_out_or_fails_sets_the_agent_away(desk: Line) -> None:
    desk.board.phone(ANOUK, "no-answer")
    desk.board.phone(SANNE, "failed")
    call = queue_up(desk, "nl", 3, "+31620000002")
    desk.board.pump()
    assert presence(desk, "Anouk")[0] == "away"
    assert presence(desk, "Sanne")[0] == "away"
    assert "did not answer" in (presence(desk, "Anouk")[1] or "")
    call.keep_waiting()  # nobody left who speaks Dutch: offered the report
    assert call.waiting_for == "record"
    assert incident_of(desk.app, call).acknowledged_by is None


def test_a_caller_hanging_up_while_an_agent_rings_withdraws_the_offer(desk: Line) -> None:
    call = queue_up(desk, "de", 2, "+4915100000001")
    (offer,) = desk.fake.calls.values()
    call.hang_up()
    assert desk.fake.calls[offer.sid].status == "canceled"
    desk.board.pump()  # the phone would have rung: the fake reports it canceled
    with desk.app.app_context():
        entry = get_session().scalars(select(QueueEntry)).one()
        assert entry.status == "left"
        assert get_session().scalars(select(Offer)).one().status == "canceled"
    assert presence(desk, "Jonas")[0] == "available"
    assert presence(desk, "Sanne")[0] == "available"


def _ask_for_a_callback(desk: Line) -> TwilioCall:
    """Two Dutch callers ring both Dutch speakers; the third presses 1 for a callback."""
    queue_up(desk, "nl", 2, "+31620000010")
    queue_up(desk, "nl", 2, "+31620000011")
    third = queue_up(desk, "nl", 3, "+31620000012")
    assert positions(third) == [3]
    third.press("1")  # a callback, keeping the place
    assert "Wij bellen u terug op 0 6, 20, 0 0, 0 0, 12." in third.heard
    third.press("1")  # this number
    assert "U behoudt uw plaats in de wachtrij." in third.heard
    assert third.waiting_for is None  # hung up: the line calls back
    return third


def test_callback_keeps_the_place_and_the_agent_calls_back(desk: Line) -> None:
    third = _ask_for_a_callback(desk)
    desk.board.pump()  # Anouk and Sanne take the first two callers
    desk.board.finish(ANOUK)  # Anouk is free: the callback is offered to her, screened
    desk.board.pump()
    assert (ANOUK, "+31620000012") in desk.board.connected
    offer_leg = list(desk.board.legs.values())[-1]
    heard = " ".join(h.text for h in offer_leg.transcript)
    assert "Dit is een terugbelverzoek." in heard
    assert "We bellen de beller nu terug." in heard
    assert "U wordt teruggebeld door de servicedesk" in " ".join(offer_leg.whispers)
    incident = incident_of(desk.app, third)
    assert incident.acknowledged_by == "Anouk" and incident.callback_number == "+31620000012"
    with desk.app.app_context():
        entry = (
            get_session()
            .scalars(select(QueueEntry).where(QueueEntry.call_sid == third.call_sid))
            .one()
        )
        assert (entry.mode, entry.status) == ("callback", "done")


def test_a_callback_not_reached_by_closing_time_becomes_a_report(
    desk: Line, clock: FixedClock
) -> None:
    third = _ask_for_a_callback(desk)
    clock.set(local(2026, 11, 24, 17, 5))  # the desk closed before the callback's turn
    runner = desk.app.test_cli_runner()
    desk.app.config["PUBLIC_URL"] = "https://ivr.example.test"
    desk.app.extensions["ivr.queue"] = type(desk.app.extensions["ivr.queue"]).from_config(
        desk.app.config
    )
    result = runner.invoke(args=["queue", "sweep"])
    assert result.exit_code == 0, result.output
    assert "left as a report (the desk closed)" in result.output
    incident = incident_of(desk.app, third)
    assert incident.status == "open" and incident.callback_number == "+31620000012"
    assert incident.acknowledged_by is None
