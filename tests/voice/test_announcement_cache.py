"""Announcements are read once per ANNOUNCEMENTS_CACHE_SECONDS per worker, and never stale here.

A disruption declared or ended in this worker's console is heard (or no longer heard) by the very
next caller; one declared by another worker reaches callers once the cache has aged out.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import insert

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Disruption
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from ivr.services import announcements
from tests.conftest import TOKEN, local

NL_TEXT = "De e-mail is traag"


class Monotonic:
    """The cache's clock, moved by hand (no test waits for it)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def monotonic(monkeypatch: pytest.MonkeyPatch) -> Monotonic:
    clock = Monotonic()
    monkeypatch.setattr(announcements.time, "monotonic", clock)
    return clock


def hears_disruption(app: Flask, number: str) -> bool:
    call = TwilioCall(InProcess(app, token=TOKEN), from_number=number)
    call.start()
    call.press("1")  # Nederlands: the announcements follow
    return NL_TEXT in call.heard


def test_a_disruption_from_another_worker_is_heard_once_the_cache_has_aged(
    make_app, clock: FixedClock, monotonic: Monotonic
) -> None:
    app = make_app(ANNOUNCEMENTS_CACHE_SECONDS=5)
    clock.set(local(2026, 11, 24, 10, 0))
    assert not hears_disruption(app, "+31612000001")  # read, and kept for 5 s
    with app.app_context():  # as another worker writes it: no ORM event in this process
        session = get_session()
        session.execute(
            insert(Disruption).values(
                text_nl=NL_TEXT, text_de="E-Mail ist langsam", severity="functions_fail",
                started_at=clock.now() - timedelta(minutes=1), started_by="elsewhere",
            )
        )  # fmt: skip
        session.commit()
    monotonic.now += 4
    assert not hears_disruption(app, "+31612000002")  # still the read of 4 s ago
    monotonic.now += 1.5
    assert hears_disruption(app, "+31612000003")


def test_declared_and_ended_in_this_worker_are_heard_by_the_next_caller(
    make_app, clock: FixedClock, monotonic: Monotonic
) -> None:
    app = make_app(ANNOUNCEMENTS_CACHE_SECONDS=3600)
    clock.set(local(2026, 11, 24, 10, 0))
    assert not hears_disruption(app, "+31612000011")
    runner = app.test_cli_runner()  # the desk's commands run in this process, like its console
    declared = runner.invoke(args=["disruptions", "declare", "--nl", NL_TEXT, "--de", "Langsam"])
    assert declared.exit_code == 0, declared.output
    assert hears_disruption(app, "+31612000012")
    disruption_id = runner.invoke(args=["disruptions", "list"]).output.split()[0]
    assert runner.invoke(args=["disruptions", "end", disruption_id]).exit_code == 0
    assert not hears_disruption(app, "+31612000013")


def test_the_app_clock_moving_on_reads_again(
    make_app, clock: FixedClock, monotonic: Monotonic
) -> None:
    """A window that starts while the cache is young is still announced on time."""
    app = make_app(ANNOUNCEMENTS_CACHE_SECONDS=3600)
    clock.set(local(2026, 11, 24, 10, 0))
    with app.app_context():
        session = get_session()
        session.execute(
            insert(Disruption).values(
                text_nl=NL_TEXT, text_de="E-Mail ist langsam", severity="functions_fail",
                started_at=clock.now() + timedelta(hours=1), started_by="planned",
            )
        )  # fmt: skip
        session.commit()
    assert not hears_disruption(app, "+31612000021")
    clock.set(local(2026, 11, 24, 11, 30))  # the app's clock moved on by more than the cache lives
    assert hears_disruption(app, "+31612000022")
