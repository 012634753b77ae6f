"""The sweeper deletes the empty Twilio queues of callers who are served or gone, through the
REST adapter; a queue with a caller waiting in it, or one the line did not name, stays."""

from __future__ import annotations

import pytest

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.services.agents import add_agent
from ivr.services.queue import QueueSettings
from tests.conftest import local
from tests.voice.conftest import Line

OPEN = local(2026, 11, 24, 10, 0)
ANOUK = "+31687000001"


@pytest.fixture
def desk(line: Line, clock: FixedClock) -> Line:
    clock.set(OPEN)
    line.app.config["PUBLIC_URL"] = "https://ivr.example.test"
    line.app.extensions["ivr.queue"] = QueueSettings.from_config(line.app.config)
    with line.app.app_context():
        add_agent(get_session(), "Anouk", ANOUK, "nl")
    return line


def queue_up(line: Line, number: str):  # type: ignore[no-untyped-def]
    call = line.caller(number)
    call.start()
    for key in "1" + "1" + "12":
        call.press(key)
    assert call.queued, call.as_text()
    return call


def test_the_sweeper_deletes_the_empty_queues_of_callers_served(desk: Line) -> None:
    served = queue_up(desk, "+31620000001")
    waiting = queue_up(desk, "+31620000002")
    desk.fake.set_queue("support-overflow", 0)  # the account's own queue: not the line's
    desk.board.pump()  # Anouk takes the first caller; the second waits in their queue
    assert served.bridged_to == ANOUK
    desk.board.finish(ANOUK)
    desk.board.sync_queues()  # Twilio's side: the first queue is empty, the second is not
    names = {q["friendly_name"] for q in desk.fake.queues.values()}
    assert names == {served.call_sid, waiting.call_sid, "support-overflow"}

    result = desk.app.test_cli_runner().invoke(args=["queue", "sweep"])
    assert result.exit_code == 0, result.output
    assert "empty queues deleted: 1" in result.output
    deleted = desk.fake.made("DELETE", r"/Queues/QU\w+\.json")
    assert len(deleted) == 1
    names = {q["friendly_name"] for q in desk.fake.queues.values()}
    assert names == {waiting.call_sid, "support-overflow"}


def test_twilio_down_leaves_the_queues_and_the_sweep_goes_on(desk: Line) -> None:
    served = queue_up(desk, "+31620000001")
    desk.board.pump()
    desk.board.finish(ANOUK)
    desk.board.sync_queues()
    desk.fake.failing = 503
    result = desk.app.test_cli_runner().invoke(args=["queue", "sweep"])
    assert result.exit_code == 0, result.output
    assert "empty queues deleted: 0" in result.output
    desk.fake.failing = None
    assert {q["friendly_name"] for q in desk.fake.queues.values()} == {served.call_sid}
