"""Dispatch claims each agent and each caller exactly once, however many dispatchers race."""

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
from ivr.services.dispatch import Dispatcher, Links
from ivr.twilio_rest import TwilioRest
from tests.conftest import TOKEN, local

ACCOUNT = "AC" + "9" * 32
OPEN = local(2026, 11, 24, 10, 0)


def _dispatcher(database_url: str, fake: FakeTwilio, settings: queue.QueueSettings) -> Dispatcher:
    rest = TwilioRest(ACCOUNT, TOKEN, caller_id="+31413741742", api_base=fake.base_url)
    return Dispatcher(Database(database_url), rest, Links("https://ivr.example.test"), settings)


def test_racing_dispatchers_offer_each_agent_once_and_each_caller_once(
    app: Flask, database_url: str
) -> None:
    settings = app.extensions["ivr.queue"]
    database = app.extensions["ivr.db"]
    with app.app_context(), database.sessions() as session:
        for i in range(6):
            add_agent(session, f"Agent {i}", f"+3168700{i:04d}", "nl,de" if i % 2 else "nl")
    for i in range(20):
        caller = queue.Caller(f"CA{i:032d}", "nl" if i % 3 else "de", "incident", 1 + i % 4)
        assert queue.join(database, caller, OPEN + timedelta(seconds=i), max_length=100)
    with FakeTwilio(ACCOUNT, TOKEN) as fake:
        dispatchers = [_dispatcher(database_url, fake, settings) for _ in range(8)]
        start = threading.Barrier(len(dispatchers))
        placed: list[int] = []

        def run(dispatcher: Dispatcher) -> None:
            start.wait()
            placed.extend(dispatcher(OPEN + timedelta(minutes=1)))

        threads = [threading.Thread(target=run, args=(d,)) for d in dispatchers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        for dispatcher in dispatchers:
            dispatcher.database.engine.dispose()
        rung = Counter(call.to for call in fake.calls.values())
    assert len(placed) == 6 and len(set(placed)) == 6
    assert set(rung.values()) == {1} and len(rung) == 6  # every agent rings once, none twice
    with database.sessions() as session:
        offers = list(session.scalars(select(Offer)))
        assert Counter(o.entry_id for o in offers).most_common(1)[0][1] == 1
        offered = session.scalars(select(QueueEntry).where(QueueEntry.status == "offered")).all()
        assert {e.id for e in offered} == {o.entry_id for o in offers}
        assert all(a.presence == "ringing" for a in session.scalars(select(Agent)))
        # Category 1 first: all five category-1 callers (two German) ring an agent now.
        assert sorted(e.category for e in offered) == [1, 1, 1, 1, 1, 2]
