"""Zammad's generic CTI: every call's newCall, answer and hangup reach Zammad's caller log, in
order, once, posted by the outbox sender (never by the webhook itself)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import OutboxMessage
from ivr.phone.fake_twilio import FakeTwilio
from ivr.phone.switchboard import Switchboard
from ivr.phone.transport import InProcess
from tests.conftest import TOKEN, local
from tests.support.fake_zammad import FakeZammad
from tests.voice.conftest import ACCOUNT, CALLER, DESK_NUMBER, Line

AGENT = "+31687654321"


@pytest.fixture
def zammad() -> Iterator[FakeZammad]:
    with FakeZammad() as fake:
        yield fake


@pytest.fixture
def cti_line(make_app: Callable[..., Flask], zammad: FakeZammad) -> Iterator[Line]:
    with FakeTwilio(ACCOUNT, TOKEN) as fake:
        application = make_app(
            TWILIO_ACCOUNT_SID=ACCOUNT,
            TWILIO_NUMBER=DESK_NUMBER,
            TWILIO_API_BASE=fake.base_url,
            WRAP_UP_SECONDS=0,
            ZAMMAD_CTI_URL=zammad.cti_url,
            HTTP_TIMEOUT_SECONDS=2,
        )
        board = Switchboard(fake, InProcess(application, token=TOKEN), line_number=DESK_NUMBER)
        yield Line(application, fake, board)


def deliver(app: Flask) -> str:
    return app.test_cli_runner().invoke(args=["outbox", "deliver"]).output


def cti_rows(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        query = select(OutboxMessage).where(OutboxMessage.channel == "cti")
        return list(get_session().scalars(query.order_by(OutboxMessage.id)))


def answered_call(line: Line) -> str:
    with line.app.app_context():
        from ivr.services.agents import add_agent

        add_agent(get_session(), "Anouk", AGENT, "nl,de")
    call = line.caller(CALLER)
    call.start()
    for key in "1111":  # Nederlands, an incident, all users, cannot work
        call.press(key)
    assert call.queued
    line.board.pump()
    assert call.bridged_to == AGENT
    line.board.finish(AGENT)
    call.hang_up()
    return call.call_sid


def test_a_call_an_agent_answered_is_in_zammads_caller_log(
    cti_line: Line, zammad: FakeZammad, clock: FixedClock
) -> None:
    clock.set(local(2026, 11, 24, 10, 0))
    sid = answered_call(cti_line)
    assert zammad.cti == []  # the webhooks only queued them

    for _ in range(3):  # one event of a call per pass: in order
        deliver(cti_line.app)
    assert "delivered 0, failed 0" in deliver(cti_line.app)

    assert [e["event"] for e in zammad.cti] == ["newCall", "answer", "hangup"]
    new, answer, hangup = zammad.cti
    assert new == {
        "event": "newCall", "from": CALLER, "to": DESK_NUMBER, "direction": "in", "callId": sid,
    }  # fmt: skip
    assert answer["user"] == "Anouk" and answer["answeringNumber"] == AGENT
    assert answer["callId"] == sid and answer["from"] == CALLER
    assert hangup["cause"] == "normalClearing" and hangup["answeringNumber"] == AGENT
    assert all(row.delivered_at for row in cti_rows(cti_line.app))


def test_a_call_no_agent_took_is_a_missed_call(
    cti_line: Line, zammad: FakeZammad, clock: FixedClock
) -> None:
    clock.set(local(2026, 11, 28, 22, 0))  # closed: the caller leaves a report
    call = cti_line.caller(CALLER)
    call.start()
    call.press("1")
    call.hang_up()
    call.replay_last()  # Twilio retried the status callback: still one hangup
    for _ in range(3):
        deliver(cti_line.app)
    assert [(e["event"], e.get("cause")) for e in zammad.cti] == [
        ("newCall", None),
        ("hangup", "cancel"),
    ]


def test_zammad_down_holds_the_calls_events_back_in_order(
    cti_line: Line, zammad: FakeZammad, clock: FixedClock
) -> None:
    clock.set(local(2026, 11, 24, 10, 0))
    zammad.failing = 503
    answered_call(cti_line)
    deliver(cti_line.app)
    first = cti_rows(cti_line.app)[0]
    assert first.event == "newCall" and first.last_error == "HTTP 503"
    assert zammad.cti == []
    zammad.failing = None
    assert "delivered 0" in deliver(cti_line.app)  # backing off
    clock.advance(timedelta(minutes=1))
    for _ in range(3):
        deliver(cti_line.app)
    assert [e["event"] for e in zammad.cti] == ["newCall", "answer", "hangup"]


def test_a_wrong_cti_token_is_retried_and_shown(
    make_app: Callable[..., Flask], zammad: FakeZammad, clock: FixedClock
) -> None:
    app = make_app(ZAMMAD_CTI_URL=f"{zammad.base_url}/api/v1/cti/wrong", HTTP_TIMEOUT_SECONDS=2)
    from ivr.phone.twilio_call import TwilioCall

    call = TwilioCall(InProcess(app, token=TOKEN), from_number=CALLER, to_number=DESK_NUMBER)
    call.start()
    deliver(app)
    (row,) = cti_rows(app)
    assert row.last_error == "HTTP 401" and row.given_up_at is None and zammad.cti == []
    assert "wrong" not in (row.last_error or "")


def test_cti_costs_each_webhook_that_queues_an_event_one_statement_and_nothing_else(
    make_app: Callable[..., Flask], zammad: FakeZammad, clock: FixedClock
) -> None:
    from tests.reliability.calls import out_of_hours_report
    from tests.support.statements import counting
    from tests.voice.test_statement_budget import counted_call

    def statements(app: Flask, caller: str) -> list[tuple[str, int]]:
        with counting(app.extensions["ivr.db"].engine) as tally:
            call, per_webhook = counted_call(app, tally, from_number=caller)
            assert out_of_hours_report(call).reference
            call.hang_up()
        return [(urlsplit(path).path, used["statements"]) for path, used in per_webhook]

    clock.set(local(2026, 11, 28, 22, 0))
    without = statements(make_app(), "+31611111111")
    clock.set(local(2026, 11, 28, 22, 0))
    with_cti = statements(make_app(ZAMMAD_CTI_URL=zammad.cti_url), "+31622222222")
    assert [path for path, _ in with_cti] == [path for path, _ in without]
    extra = [(p, n - m) for (p, n), (_, m) in zip(with_cti, without, strict=True) if n != m]
    assert extra == [("/voice/incoming", 1), ("/voice/status", 1)]


@pytest.fixture
def callback_desk(
    make_app: Callable[..., Flask], zammad: FakeZammad, clock: FixedClock
) -> Iterator[Line]:
    """One Dutch agent, callbacks on, Zammad's CTI on (as tests/voice/test_callback_retry.py)."""
    from ivr.services.agents import add_agent
    from tests.voice.test_callback_retry import ANOUK, OPEN

    clock.set(OPEN)
    with FakeTwilio(ACCOUNT, TOKEN) as fake:
        application = make_app(
            TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_NUMBER=DESK_NUMBER, TWILIO_API_BASE=fake.base_url,
            WRAP_UP_SECONDS=0, PUBLIC_URL="https://ivr.example.test",
            ZAMMAD_CTI_URL=zammad.cti_url, HTTP_TIMEOUT_SECONDS=2,
        )  # fmt: skip
        with application.app_context():
            add_agent(get_session(), "Anouk", ANOUK, "nl")
        board = Switchboard(fake, InProcess(application, token=TOKEN), line_number=DESK_NUMBER)
        yield Line(application, fake, board)


def test_an_agents_call_back_is_an_outbound_call_in_zammads_log(
    callback_desk: Line, zammad: FakeZammad
) -> None:
    from tests.voice.test_callback_retry import ANOUK, CALLBACK_CALLER, ask_for_a_callback

    ask_for_a_callback(callback_desk)
    callback_desk.board.finish(ANOUK)  # free: she takes the callback, the caller presses 1
    callback_desk.board.pump()
    assert (ANOUK, CALLBACK_CALLER) in callback_desk.board.connected
    for _ in range(12):
        deliver(callback_desk.app)

    out = [e for e in zammad.cti if e["direction"] == "out"]
    assert [e["event"] for e in out] == ["newCall", "answer", "hangup"]
    assert {(e["from"], e["to"], e["user"]) for e in out} == {
        (DESK_NUMBER, CALLBACK_CALLER, "Anouk")
    }
    assert out[2]["cause"] == "normalClearing" and len({e["callId"] for e in out}) == 1
    inbound = {e["callId"] for e in zammad.cti if e["direction"] == "in"}
    assert out[0]["callId"] not in inbound
