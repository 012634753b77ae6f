"""`flask call --at` in-process uses a scratch copy of the database unless --keep is given, and
says which: simulated times never reach the instance's agents, work list or report."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from ivr.db import get_session
from ivr.models import Agent, Call, Incident, QueueEntry

OPEN_TUESDAY = "2026-11-24 10:00"
SATURDAY_NIGHT = "2026-12-26 22:30"


def stored(app: Flask) -> tuple[int, int, int, list[tuple[str, str]]]:
    with app.app_context():
        session = get_session()
        agents = [(a.name, a.presence) for a in session.scalars(select(Agent).order_by(Agent.id))]
        return (
            len(session.scalars(select(Call)).all()),
            len(session.scalars(select(Incident)).all()),
            len(session.scalars(select(QueueEntry)).all()),
            agents,
        )


def test_a_simulated_call_uses_a_scratch_copy_by_default(app: Flask, agents: None) -> None:
    before = stored(app)
    result = app.test_cli_runner().invoke(args=["call", "--at", OPEN_TUESDAY, "--keys", "1,1,1,1"])
    assert result.exit_code == 0, result.output
    assert "database: a scratch copy, discarded after the call" in result.output
    # The copy had the instance's agents: the simulated one took the call.
    assert "[agent +31687654321 phone: accept]" in result.output
    assert stored(app) == before  # no call, incident or queue entry; agents as they were


def test_keep_writes_the_simulated_call_into_the_instance(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["call", "--keep", "--at", SATURDAY_NIGHT, "--keys", "2,1,3,3,1"]
    )
    assert result.exit_code == 0, result.output
    assert "database: the instance's own (the call is kept)" in result.output
    calls, incidents, _queued, _agents = stored(app)
    assert (calls, incidents) == (1, 1)


def test_a_call_at_the_real_time_says_it_is_kept(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["call", "--keys", "2"])
    assert "database: the instance's own (the call is kept)" in result.output
