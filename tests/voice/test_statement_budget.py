"""What a whole call costs the database, counted with SQLAlchemy's events (never timed).

The budget (issue 15): one connection and at most one transaction per webhook, no ping before a
statement, and on average at most three statements per webhook over a whole call.
"""

from __future__ import annotations

from collections import Counter

from flask import Flask

from ivr.clock import FixedClock
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, local
from tests.reliability.calls import out_of_hours_report
from tests.support.statements import CountedTransport, Tally, counting
from tests.voice.conftest import CALLER, DESK_NUMBER

STATEMENTS_PER_WEBHOOK = 3  # on average over the call
# An out-of-hours report (17 webhooks) measured 18 statements; a closure-cache refresh adds one.
OUT_OF_HOURS_REPORT_STATEMENTS = 20


def counted_call(app: Flask, tally: Tally, from_number: str = CALLER) -> tuple[TwilioCall, list]:
    transport = CountedTransport(InProcess(app, token=TOKEN), tally)
    return TwilioCall(
        transport, from_number=from_number, to_number=DESK_NUMBER
    ), transport.per_webhook


def assert_within_budget(per_webhook: list[tuple[str, Counter[str]]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for path, used in per_webhook:
        assert used["commits"] <= 1, f"{path}: {used['commits']} transactions"
        assert used["checkouts"] <= 1, f"{path}: {used['checkouts']} connections"
        assert used["pings"] == 0, f"{path}: pinged the database"
        total.update(used)
    assert total["statements"] <= STATEMENTS_PER_WEBHOOK * len(per_webhook), total
    return total


def test_an_out_of_hours_report_stays_within_the_statement_budget(
    app: Flask, clock: FixedClock
) -> None:
    clock.set(local(2026, 11, 28, 22, 0))
    with counting(app.extensions["ivr.db"].engine) as tally:
        call, per_webhook = counted_call(app, tally)
        assert out_of_hours_report(call).reference
        call.hang_up()
    assert len(per_webhook) == 17
    total = assert_within_budget(per_webhook)
    assert total["statements"] <= OUT_OF_HOURS_REPORT_STATEMENTS, total
    assert total["commits"] <= 11  # the ten webhooks that add a fact, and nothing else


# Dispatch commits its claim before it calls Twilio and records the placed call after: the
# webhooks that dispatch (joining the queue, each waiting round, leaving it) are outside the
# one-transaction budget by design (ivr/services/dispatch.py).
QUEUE_WEBHOOKS = ("/voice/route", "/voice/queue/")


def test_a_returning_caller_put_through_to_an_agent_stays_within_the_budget(
    line, agents: None, clock: FixedClock
) -> None:
    clock.set(local(2026, 11, 24, 10, 0))
    with counting(line.app.extensions["ivr.db"].engine) as tally:
        first, _ = counted_call(line.app, tally)
        first.start()
        first.press("1")  # Nederlands: remembered for the next call
        first.hang_up()
        call, per_webhook = counted_call(line.app, tally)
        line.board.callers[call.call_sid] = call
        call.start()  # greeted in Dutch straight away
        for key in "111":
            call.press(key)
        assert call.queued
        line.board.pump()
        assert call.bridged_to == "+31687654321"
        line.board.finish("+31687654321")
    assert_within_budget(
        [
            (p, used)
            for p, used in per_webhook
            if not p.split("?")[0].endswith(QUEUE_WEBHOOKS)
            and not any(q in p for q in QUEUE_WEBHOOKS)
        ]
    )


def test_the_budget_notices_a_ping_per_checkout(app: Flask) -> None:
    """The counter itself: a pool that pings before every checkout is caught."""
    engine = app.extensions["ivr.db"].engine
    pinging = engine.pool.recreate()
    pinging._pre_ping = True
    engine.pool = pinging
    with counting(engine) as tally:
        for _ in range(2):
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
    assert tally.counts["checkouts"] == 2
    assert tally.counts["pings"] == 1  # the second checkout reuses (and pings) the first's
