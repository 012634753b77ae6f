"""The spool under crashes and bad events: a replay killed at any step loses nothing, an event
that can never be applied is set aside (dead letter) and blocks nothing, reports tell the truth."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Call, Incident
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, empty_tables, local
from tests.console.conftest import staff, user  # noqa: F401  the logged-in console
from tests.reliability.calls import out_of_hours_report

UNREACHABLE = "postgresql+psycopg://ivr:ivr@127.0.0.1:9/ivr"  # nothing listens on port 9
SATURDAY_NIGHT = local(2026, 11, 28, 22, 0)
# Spooled by a call whose clock was impossible: it can never be applied.
POISON = {
    "type": "incident",
    "call_sid": "CApoison",
    "at": "0001-01-01T00:00:00+00:00",
    "reference": "99999999",
    "kind": "incident",
    "language": "nl",
}


def spool_while_down(make_app: Callable[..., Flask], spool: Path, caller: str) -> str:
    """An out-of-hours report taken while the database is unreachable; its reference."""
    down = make_app(DATABASE_URL=UNREACHABLE, DB_TIMEOUT_SECONDS=1, SPOOL_DIR=str(spool))
    outcome = out_of_hours_report(TwilioCall(InProcess(down, token=TOKEN), from_number=caller))
    assert outcome.reference
    return outcome.reference


def stored(app: Flask) -> dict[str, tuple[Any, ...]]:
    """What the database holds of each report, by reference."""
    with app.app_context():
        session = get_session()
        return {
            i.reference: (i.status, i.category, i.recording_sid, i.recording_duration,
                          i.callback_number, i.received_at)
            for i in session.scalars(select(Incident))
        } | {"calls": (len(session.scalars(select(Call)).all()),)}  # fmt: skip


def add_line(path: Path, line: str) -> None:
    with path.open("a") as handle:
        handle.write(line + "\n")


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


@pytest.fixture
def spool(tmp_path: Path) -> Path:
    return tmp_path / "spool"


def test_an_interrupted_replay_is_counted_and_replayed(
    make_app, clock: FixedClock, spool: Path
) -> None:
    clock.set(SATURDAY_NIGHT)
    reference = spool_while_down(make_app, spool, "+31612345671")
    # A replay that crashed: it had taken the spool aside under its process id.
    (spool / "pending.jsonl").rename(spool / "pending.replaying.4242")
    up = make_app(SPOOL_DIR=str(spool))
    runner = up.test_cli_runner()
    waiting = len(lines(spool / "pending.replaying.4242"))
    status = runner.invoke(args=["spool", "status"]).output
    assert f"{waiting} event(s) waiting" in status and "interrupted replay" in status
    result = runner.invoke(args=["spool", "replay"])
    assert result.exit_code == 0, result.output
    assert reference in stored(up)
    assert list(spool.glob("pending*")) == []
    assert "0 event(s) waiting" in runner.invoke(args=["spool", "status"]).output


def test_an_event_that_can_never_be_applied_is_set_aside_and_blocks_nothing(
    make_app, clock: FixedClock, spool: Path
) -> None:
    clock.set(SATURDAY_NIGHT)
    first = spool_while_down(make_app, spool, "+31612345671")
    with (spool / "pending.jsonl").open("a") as handle:
        handle.write(json.dumps(POISON) + "\n")
        handle.write("{half a line from a crash\n")
    second = spool_while_down(make_app, spool, "+31612345672")
    up = make_app(SPOOL_DIR=str(spool))
    # A normal call now: its first write replays the spool; the bad events do not stop it.
    later = out_of_hours_report(
        TwilioCall(InProcess(up, token=TOKEN), from_number="+4915123456789")
    )
    assert {first, second, later.reference} <= set(stored(up))
    assert lines(spool / "pending.jsonl") == []  # nothing spooled: the database was fine
    dead = [json.loads(line) for line in lines(spool / "dead.jsonl")]
    assert [d["event"] for d in dead if "event" in d] == [POISON]
    assert [d["raw"] for d in dead if "raw" in d] == ["{half a line from a crash"]
    runner = up.test_cli_runner()
    status = runner.invoke(args=["spool", "status"]).output
    assert "0 event(s) waiting" in status and "2 dead letter(s)" in status
    replay = runner.invoke(args=["spool", "replay"])
    assert replay.exit_code == 0 and "unreachable" not in replay.output


def test_replay_says_unreachable_only_when_it_is(make_app, clock: FixedClock, spool: Path) -> None:
    clock.set(SATURDAY_NIGHT)
    spool_while_down(make_app, spool, "+31612345671")
    add_line(spool / "pending.jsonl", json.dumps(POISON))
    down = make_app(DATABASE_URL=UNREACHABLE, DB_TIMEOUT_SECONDS=1, SPOOL_DIR=str(spool))
    before = len(lines(spool / "pending.jsonl"))
    result = down.test_cli_runner().invoke(args=["spool", "replay"])
    assert result.exit_code == 1 and "unreachable" in result.output
    assert len(lines(spool / "pending.jsonl")) == before  # all kept, none dead: not their fault
    assert lines(spool / "dead.jsonl") == []


def test_dead_letters_are_shown_in_the_console(app: Flask, staff, spool: Path) -> None:  # noqa: F811
    spool.mkdir(parents=True, exist_ok=True)
    (spool / "dead.jsonl").write_text(
        json.dumps({"event": POISON, "error": "OverflowError"}) + "\n"
    )
    page = staff.get("/console/").get_data(as_text=True)
    assert "1 event could not be applied" in page


def _replay_killed_at(step: int, config: dict[str, Any]) -> bool:
    """In a child process, replay the spool and die abruptly at `step`. True when it died."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            code = _child_replay(step, config)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.WEXITSTATUS(status) == 137


def _child_replay(step: int, config: dict[str, Any]) -> int:
    import sqlalchemy.orm

    from ivr import create_app, spool
    from ivr.services import recorder

    count = [0]

    def tick() -> None:
        if count[0] == step:
            os._exit(137)  # as a SIGKILL would: no cleanup, no flush
        count[0] += 1

    def around(owner: Any, name: str) -> None:
        real = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            tick()
            result = real(*args, **kwargs)
            tick()
            return result

        setattr(owner, name, wrapper)

    for owner, name in [(recorder, "apply"), (sqlalchemy.orm.Session, "commit"),
                        (os, "rename"), (os, "write"), (os, "fsync"), (os, "unlink")]:  # fmt: skip
        around(owner, name)
    del spool
    app = create_app(config)
    with app.app_context():
        recorder.replay_spool(app.extensions["ivr.db"], app.extensions["ivr.desk"])
    return 0


def test_a_replay_killed_at_every_step_loses_nothing(
    make_app, app_config, clock: FixedClock, spool: Path, tmp_path: Path
) -> None:
    if not app_config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("the crash points are the spool's and the session's, not the backend's")
    clock.set(SATURDAY_NIGHT)
    spool_while_down(make_app, spool, "+31612345671")
    (spool / "pending.jsonl").rename(spool / "pending.replaying.4242")  # an earlier crash
    spool_while_down(make_app, spool, "+31612345672")
    add_line(spool / "pending.jsonl", json.dumps(POISON))
    spool_while_down(make_app, spool, "+31612345673")
    pristine = tmp_path / "pristine"
    shutil.copytree(spool, pristine)

    up = make_app(SPOOL_DIR=str(spool))
    up.test_cli_runner().invoke(args=["spool", "replay"])
    expected = stored(up)
    assert len(expected) == 4  # three reports and the call count
    config = {**app_config, "SPOOL_DIR": str(spool)}
    step = 0
    while True:
        empty_tables(app_config["DATABASE_URL"])
        shutil.rmtree(spool)
        shutil.copytree(pristine, spool)
        died = _replay_killed_at(step, config)
        result = up.test_cli_runner().invoke(args=["spool", "replay"])  # after the restart
        assert result.exit_code == 0, (step, result.output)
        assert stored(up) == expected, step
        dead = [json.loads(line)["event"] for line in lines(spool / "dead.jsonl")]
        assert dead == [POISON], step
        assert list(spool.glob("pending*")) == [], step
        if not died:
            break
        step += 1
    print(f"replay killed at each of {step} steps")
    assert step > 50  # it really was killed at many points


def test_dead_letters_are_listed_with_the_reason_and_numbers_masked(make_app, spool: Path) -> None:
    spool.mkdir(parents=True, exist_ok=True)
    letter = {"event": {**POISON, "callback_number": "+31612345678"}, "error": "OverflowError: x"}
    (spool / "dead.jsonl").write_text(json.dumps(letter) + "\n")
    output = make_app(SPOOL_DIR=str(spool)).test_cli_runner().invoke(args=["spool", "dead"]).output
    assert "OverflowError: x" in output and "CApoison" in output
    assert "+316******78" in output and "+31612345678" not in output
