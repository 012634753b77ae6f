"""Agent PIN tries by phone are counted per number over 24 hours, like the status check: three
wrong PINs lock the number (redialling does not start afresh) until the lock ends by itself, and
the console shows the lock in Dutch and German."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from ivr.clock import FixedClock
from tests.console.conftest import staff, user  # noqa: F401  fixtures
from tests.voice.conftest import Line
from tests.voice.test_agent_phone import ANOUK, OPEN, desk, state_of  # noqa: F401  fixture

LOCKED_NL = "Te vaak een verkeerde pincode vanaf dit nummer"
PIN = "4321"


@pytest.fixture
def pinned(desk: Line, clock: FixedClock) -> Line:  # noqa: F811
    desk.app.config["AGENT_PHONE_PIN"] = PIN
    clock.set(OPEN)
    return desk


def wrong_pins(line: Line, tries: int) -> None:
    call = line.caller(ANOUK)
    call.start()
    call.press("1")
    for n in range(tries):
        call.press(f"{n}{n}{n}{n}#")
    if call.waiting_for is not None:
        call.hang_up()


def test_three_wrong_pins_over_two_calls_lock_the_number_and_the_lock_ends_by_itself(
    pinned: Line, clock: FixedClock
) -> None:
    wrong_pins(pinned, 2)  # hangs up after two wrong tries and redials
    clock.set(OPEN + timedelta(minutes=1))
    wrong_pins(pinned, 1)
    # Redialled with the right PIN: the number is locked, the agent menu no longer asks.
    clock.set(OPEN + timedelta(minutes=2))
    call = pinned.caller(ANOUK)
    call.start()
    call.press("1")
    assert LOCKED_NL in call.heard
    assert "Toets uw pincode" not in call.heard.split(LOCKED_NL)[-1]
    assert state_of(pinned, "Anouk")[0] == "away"
    # A day after the first wrong try the oldest leaves the window: the lock has ended.
    clock.set(OPEN + timedelta(hours=24, seconds=1))
    call = pinned.caller(ANOUK)
    call.start()
    call.press("1")
    assert "Toets uw pincode en daarna het hekje." in call.heard
    call.press(PIN)
    assert "U bent nu aangemeld." in call.heard
    assert state_of(pinned, "Anouk")[0] == "available"


def test_the_third_wrong_pin_in_one_call_says_the_number_is_locked(pinned: Line) -> None:
    call = pinned.caller(ANOUK)
    call.start()
    call.press("1")
    for _ in range(3):
        call.press("0000#")
    assert LOCKED_NL in call.heard and call.waiting_for is None


def test_a_right_pin_before_the_lock_clears_the_count(pinned: Line, clock: FixedClock) -> None:
    wrong_pins(pinned, 2)
    call = pinned.caller(ANOUK)
    call.start()
    call.press("1")
    call.press(PIN)
    assert state_of(pinned, "Anouk")[0] == "available"
    wrong_pins(pinned, 2)  # two more: still not locked
    call = pinned.caller(ANOUK)
    call.start()
    call.press("2")
    assert "Toets uw pincode" in call.heard and LOCKED_NL not in call.heard


@pytest.mark.parametrize(
    ("language", "says"),
    [("nl", "Te vaak een verkeerde pincode per telefoon: geblokkeerd tot"),
     ("de", "Zu oft eine falsche PIN per Telefon: gesperrt bis")],
)  # fmt: skip
def test_the_console_shows_the_lock_until_it_ends(
    pinned: Line,
    staff: FlaskClient,  # noqa: F811  the fixture imported above
    clock: FixedClock,
    language: str,
    says: str,
) -> None:
    wrong_pins(pinned, 3)
    headers = {"Accept-Language": language}
    page = staff.get("/console/agents", headers=headers).get_data(as_text=True)
    assert says in page and "10:00" in page.split(says)[1][:40]
    clock.set(OPEN + timedelta(hours=24, seconds=1))
    page = staff.get("/console/agents", headers=headers).get_data(as_text=True)
    assert says not in page


def test_the_retention_purge_forgets_wrong_pins_after_a_day(
    pinned: Line, clock: FixedClock
) -> None:
    from sqlalchemy import select

    from ivr.db import get_session
    from ivr.models import AgentPinFailure
    from ivr.services.retention import purge

    wrong_pins(pinned, 1)
    with pinned.app.app_context():
        session = get_session()
        purge(session, OPEN + timedelta(hours=23), 90)
        assert len(session.scalars(select(AgentPinFailure)).all()) == 1
        purge(session, OPEN + timedelta(hours=24), 90)
        assert session.scalars(select(AgentPinFailure)).all() == []
