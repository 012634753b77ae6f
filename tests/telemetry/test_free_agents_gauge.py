"""`ivr_agents_available` on a line of several desks: the figures the queue itself counts
(`free_agents_for`), read in one grouped statement however many desks there are."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.services.agents import add_agent
from ivr.services.desks import Desks
from ivr.services.presence import AWAY, ON_CALL, RINGING, WRAP_UP, set_presence
from ivr.services.queue import free_agents_for
from tests.conftest import local
from tests.telemetry.scrape import METRICS_TOKEN, scrape

OPEN = local(2026, 11, 24, 10, 0)
LANGUAGES = ("nl", "de")
# name, number, languages, desks, presence (None: available as added)
AGENTS = (
    ("Anouk", "+31687000001", "nl", ["a"], None),
    ("Jonas", "+4917600000002", "de", ["a", "b"], None),
    ("Eva", "+31687000003", "nl,de", ["b", "c"], None),
    ("Piet", "+31687000004", "nl", ["c"], WRAP_UP),
    ("Lena", "+4917600000005", "de", ["c"], AWAY),
    ("Mark", "+31687000006", "de,nl", ["a", "b", "c"], RINGING),
    ("Sanne", "+31687000007", "nl", ["b"], ON_CALL),
    ("Tim", "+31687000008", "nl,de", ["a", "c"], None),
)


def with_desks(app: Flask, *keys: str) -> tuple[str, ...]:
    env = app.extensions["ivr.desk"]
    desks = Desks(tuple(dataclasses.replace(env, key=k, name=f"Desk {k}") for k in keys))
    app.extensions["ivr.desks"] = desks
    app.extensions["ivr.desk"] = desks.first
    return keys


@contextmanager
def agent_statements(app: Flask) -> Iterator[list[str]]:
    """The SQL of every statement that reads the agents' tables while the block runs."""
    engine = app.extensions["ivr.db"].engine
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "agent" in statement.lower():
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_the_gauge_says_what_the_queue_counts_for_each_desk_and_language(
    make_app: Callable[..., Flask], clock: FixedClock
) -> None:
    clock.set(OPEN)
    app = make_app(METRICS_TOKEN=METRICS_TOKEN)
    keys = with_desks(app, "a", "b", "c")
    with app.app_context():
        session = get_session()
        for name, number, languages, desks, presence in AGENTS:
            agent = add_agent(session, name, number, languages, desks, known=keys)
            if presence is not None:
                set_presence(agent, presence, OPEN)
        session.commit()
        expected = {
            (desk, language): free_agents_for(session, language, desk)
            for desk in keys
            for language in LANGUAGES
        }
    figures = scrape(app)
    shown = {
        (desk, language): figures.value("ivr_agents_available", desk=desk, language=language)
        for desk in keys
        for language in LANGUAGES
    }
    assert shown == expected
    # Not all nothing: Anouk and Tim speak Dutch at A; Eva and Tim German at C.
    assert shown["a", "nl"] == 2 and shown["c", "de"] == 2 and shown["b", "nl"] == 1


def test_the_agents_are_read_in_as_many_statements_for_three_desks_as_for_twenty(
    make_app: Callable[..., Flask], clock: FixedClock
) -> None:
    clock.set(OPEN)
    app = make_app(METRICS_TOKEN=METRICS_TOKEN)
    many = tuple(f"d{n:02d}" for n in range(20))
    with_desks(app, *many)
    with app.app_context():
        session = get_session()
        for name, number, languages, _desks, _presence in AGENTS:
            add_agent(session, name, number, languages, many[:3], known=many)
    with_desks(app, *many[:3])
    with agent_statements(app) as three:
        few_figures = scrape(app)
    with_desks(app, *many)
    with agent_statements(app) as twenty:
        many_figures = scrape(app)
    assert len(twenty) == len(three) <= 2, twenty
    assert few_figures.value("ivr_agents_available", desk="d02", language="de") == 5
    assert many_figures.value("ivr_agents_available", desk="d02", language="de") == 5
    assert many_figures.value("ivr_agents_available", desk="d19", language="nl") == 0
