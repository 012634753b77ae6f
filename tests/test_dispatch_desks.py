"""Dispatch across desks (issue 26): racing dispatchers still claim each agent and caller once,
never pair a caller with another desk's agent, and one claim costs the statements it did."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from ivr.db import Database
from ivr.models import Agent, Offer, QueueEntry
from ivr.phone.fake_twilio import FakeTwilio
from ivr.services import queue
from ivr.services.agents import add_agent
from ivr.services.dispatch import Dispatcher, Links, claim_next
from ivr.twilio_rest import TwilioRest
from tests.conftest import TOKEN, local
from tests.support.desks import DESK_A_NUMBER, DESK_B_NUMBER, two_desks
from tests.support.statements import counting

ACCOUNT = "AC" + "8" * 32
OPEN = local(2026, 11, 24, 10, 0)
CLAIM_STATEMENTS = 5
SERVES = {0: ("a",), 1: ("b",), 2: ("a", "b"), 3: ("b",), 4: ("a",), 5: ("a", "b")}


def _dispatcher(app: Flask, database_url: str, fake: FakeTwilio) -> Dispatcher:
    rest = TwilioRest(ACCOUNT, TOKEN, caller_id="+31413741742", api_base=fake.base_url)
    return Dispatcher(
        Database(database_url),
        rest,
        Links("https://ivr.example.test"),
        app.extensions["ivr.queue"],
        app.extensions["ivr.desks"],
    )


def test_racing_dispatchers_pair_callers_only_with_agents_of_their_desk(
    app: Flask, database_url: str
) -> None:
    two_desks(app)
    database = app.extensions["ivr.db"]
    with app.app_context(), database.sessions() as session:
        for i, desks in SERVES.items():
            add_agent(session, f"Agent {i}", f"+3168700{i:04d}", "nl,de", desks)
    for i in range(16):
        desk = "a" if i % 4 else "b"  # twelve of desk A, four of desk B
        caller = queue.Caller(f"CA{i:032d}", "nl", "incident", 1 + i % 4, desk=desk)
        assert queue.join(database, caller, OPEN + timedelta(seconds=i), max_length=100)
    with FakeTwilio(ACCOUNT, TOKEN) as fake:
        dispatchers = [_dispatcher(app, database_url, fake) for _ in range(6)]
        start = threading.Barrier(len(dispatchers))

        def run(dispatcher: Dispatcher) -> None:
            start.wait()
            dispatcher(OPEN + timedelta(minutes=1))

        threads = [threading.Thread(target=run, args=(d,)) for d in dispatchers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        for dispatcher in dispatchers:
            dispatcher.database.engine.dispose()
        rung = Counter(call.to for call in fake.calls.values())
        shown = {call.to: call.from_ for call in fake.calls.values()}
    assert set(rung.values()) == {1} and len(rung) == 6  # every agent rings once, none twice
    with database.sessions() as session:
        offers = list(session.scalars(select(Offer)))
        assert Counter(o.entry_id for o in offers).most_common(1)[0][1] == 1
        for offer in offers:
            agent = session.get_one(Agent, offer.agent_id)
            entry = session.get_one(QueueEntry, offer.entry_id)
            assert entry.desk in SERVES[int(agent.name.split()[1])], (agent.name, entry.desk)
            number = DESK_A_NUMBER if entry.desk == "a" else DESK_B_NUMBER
            assert shown[agent.address] == number  # the agent sees the caller's desk ringing


def _claim_statements(app: Flask, call_sid: str) -> int:
    database = app.extensions["ivr.db"]
    caller = queue.Caller(call_sid, "nl", "incident", 2, desk=app.extensions["ivr.desk"].key)
    queue.join(database, caller, OPEN, max_length=100)
    with counting(database.engine) as tally:
        claim = claim_next(database, app.extensions["ivr.queue"], OPEN + timedelta(minutes=1))
    assert claim is not None
    return tally.counts["statements"]


def test_a_claim_costs_the_same_statements_with_desks(app: Flask, make_app) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        add_agent(app.extensions["ivr.db"].sessions(), "Anouk", "+31687000001", "nl")
    one_desk = _claim_statements(app, "CA" + "1" * 32)
    # Free agents (with their desks, joined), waiting callers, the agent's and the caller's
    # conditional UPDATEs, the offer's INSERT: as before desks.
    assert one_desk == CLAIM_STATEMENTS
    other = make_app()
    two_desks(other)
    with other.app_context():
        add_agent(other.extensions["ivr.db"].sessions(), "Bram", "+31687000002", "nl", ("b",))
        add_agent(other.extensions["ivr.db"].sessions(), "Sanne", "+31687000003", "nl", ("a", "b"))
    assert _claim_statements(other, "CA" + "2" * 32) == one_desk
