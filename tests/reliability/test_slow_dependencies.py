"""Slow dependencies: the app still answers Twilio well inside its 15-second webhook timeout."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from ivr.clock import FixedClock
from ivr.phone.transport import InProcess, Reply
from ivr.phone.twilio_call import TwilioCall
from ivr.services import outbox
from tests.conftest import TOKEN, local
from tests.console.conftest import report_into
from tests.console.receivers import serving
from tests.reliability.calls import out_of_hours_report

TWILIO_TIMEOUT = 15.0


class Timed(InProcess):
    """Remembers how long the slowest webhook took."""

    slowest: float = 0.0

    def post(self, url, form, headers=None) -> Reply:  # type: ignore[no-untyped-def]
        started = time.monotonic()
        reply = super().post(url, form, headers)
        self.slowest = max(self.slowest, time.monotonic() - started)
        return reply


@pytest.fixture
def locked_incidents(database_url: str) -> Iterator[None]:
    """Another session holds an exclusive lock on the incidents table (a long migration, say)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("table locks are a PostgreSQL matter")
    engine = sa.create_engine(database_url)
    connection = engine.connect()
    transaction = connection.begin()
    connection.execute(sa.text("LOCK TABLE incidents IN ACCESS EXCLUSIVE MODE"))
    yield
    transaction.rollback()
    connection.close()
    engine.dispose()


def test_a_locked_table_costs_the_caller_seconds_not_the_call(
    make_app, clock: FixedClock, locked_incidents: None
) -> None:
    app: Flask = make_app(DB_TIMEOUT_SECONDS=1)
    clock.set(local(2026, 11, 28, 22, 0))
    transport = Timed(app, token=TOKEN)
    outcome = out_of_hours_report(TwilioCall(transport))
    assert outcome.reference  # the caller still heard the reference to quote
    assert transport.slowest < TWILIO_TIMEOUT / 3  # bounded by DB_TIMEOUT_SECONDS per call


def test_a_slow_ticket_system_is_given_up_on_after_the_http_timeout(
    make_app, clock: FixedClock
) -> None:
    with serving(delay=3) as tickets:
        app: Flask = make_app(INCIDENT_WEBHOOK_URL=tickets.url, HTTP_TIMEOUT_SECONDS=1)
        started = time.monotonic()
        report_into(app, clock, local(2026, 11, 28, 22, 0), "1111")
        assert time.monotonic() - started < TWILIO_TIMEOUT / 3  # the call never waits for it
        receiver = outbox.Receiver(tickets.url, "", 1)
        started = time.monotonic()
        result = outbox.deliver_due(app.extensions["ivr.db"].sessions, receiver, clock.now())
        assert result.failed == 1 and time.monotonic() - started < 2.5
