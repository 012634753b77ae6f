"""`/metrics` after scripted calls: in hours with the queue, out of hours, a database fault.

Counters are process-wide (as in production), so a test compares a scrape after with one
before; state figures are read from the database at scrape time and are exact.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask

from ivr import spool
from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.phone.fake_twilio import FakeTwilio
from ivr.phone.switchboard import Switchboard
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from ivr.services.agents import add_agent
from tests.conftest import TOKEN, local
from tests.reliability.calls import out_of_hours_report
from tests.telemetry.scrape import METRICS_TOKEN, scrape
from tests.voice.conftest import ACCOUNT, DESK_NUMBER, Line

OPEN = local(2026, 11, 24, 10, 0)
SATURDAY_NIGHT = local(2026, 11, 28, 22, 0)
UNREACHABLE = "postgresql+psycopg://ivr:ivr@127.0.0.1:9/ivr"  # nothing listens on port 9
ANOUK, SANNE, JONAS = "+31687000001", "+31687000003", "+4917600000002"


@pytest.fixture
def desk(make_app: Callable[..., Flask], clock: FixedClock) -> Iterator[Line]:
    """The line with metrics on, agents' phones behind the fake Twilio, two Dutch speakers."""
    clock.set(OPEN)
    with FakeTwilio(ACCOUNT, TOKEN) as fake:
        app = make_app(
            METRICS_TOKEN=METRICS_TOKEN,
            TWILIO_ACCOUNT_SID=ACCOUNT,
            TWILIO_NUMBER=DESK_NUMBER,
            TWILIO_API_BASE=fake.base_url,
            WRAP_UP_SECONDS=0,
        )
        with app.app_context():
            add_agent(get_session(), "Anouk", ANOUK, "nl")
            add_agent(get_session(), "Sanne", SANNE, "nl")
            add_agent(get_session(), "Jonas", JONAS, "de")
        board = Switchboard(fake, InProcess(app, token=TOKEN), line_number=DESK_NUMBER)
        yield Line(app, fake, board)


def queue_up(line: Line, number: str, language_key: str = "1") -> TwilioCall:
    """Dutch (1) or German (2), a disruption, several users, can work on: category 3."""
    call = line.caller(number)
    call.start()
    for key in language_key + "122":
        call.press(key)
    assert call.queued, call.as_text()
    return call


def test_metrics_do_not_exist_without_a_token_and_refuse_a_wrong_one(make_app) -> None:
    assert make_app().test_client().get("/metrics").status_code == 404
    client = make_app(METRICS_TOKEN=METRICS_TOKEN).test_client()
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", headers={"Authorization": METRICS_TOKEN}).status_code == 401


def test_in_hours_the_queue_agents_offers_and_webhooks_are_counted(
    desk: Line, clock: FixedClock
) -> None:
    before = scrape(desk.app)
    desk.board.phone(ANOUK, "decline")
    first = queue_up(desk, "+31620000001")
    desk.board.pump()  # Anouk declines (away), Sanne takes the caller
    assert first.bridged_to == SANNE
    queue_up(desk, "+31620000002")  # nobody free: waits
    desk.fake.refuse_calls[JONAS] = (400, 21211)  # Invalid 'To' Phone Number: Jonas away
    clock.set(OPEN + timedelta(seconds=90))
    queue_up(desk, "+4915100000001", language_key="2")
    clock.set(OPEN + timedelta(seconds=150))
    after = scrape(desk.app)

    assert after.value("ivr_desk_open", desk="default") == 1
    assert after.value("ivr_callers_waiting", desk="default", language="nl") == 1
    assert after.value("ivr_callers_waiting", desk="default", language="de") == 1
    assert after.value("ivr_longest_wait_seconds", desk="default", language="nl") == 150 - 0
    assert after.value("ivr_longest_wait_seconds", desk="default", language="de") == 60
    assert after.value("ivr_agents", desk="default", presence="on_call") == 1
    assert after.value("ivr_agents", desk="default", presence="away") == 2
    assert after.value("ivr_agents", desk="default", presence="available") == 0
    assert after.value("ivr_agents_available", desk="default", language="nl") == 0
    offers = {r: after.value("ivr_offers_total", result=r) for r in ("accepted", "declined")}
    assert offers == {
        r: before.value("ivr_offers_total", result=r) + 1 for r in ("accepted", "declined")
    }
    assert after.total("ivr_incidents", state="acknowledged") == 1
    assert after.total("ivr_incidents", category="3") == 3
    answered = after.value("ivr_webhooks_total", endpoint="voice.incoming", outcome="ok")
    assert (
        answered == before.value("ivr_webhooks_total", endpoint="voice.incoming", outcome="ok") + 3
    )
    timed = after.value("ivr_webhook_duration_seconds_count", endpoint="voice.incoming")
    assert (
        timed == before.value("ivr_webhook_duration_seconds_count", endpoint="voice.incoming") + 3
    )
    assert after.value("ivr_database_up") == 1
    refused = after.value("ivr_twilio_rest_errors_total", code="21211")
    assert refused == before.value("ivr_twilio_rest_errors_total", code="21211") + 1


def test_a_callback_reached_is_counted(desk: Line) -> None:
    before = scrape(desk.app)
    queue_up(desk, "+31620000010")
    queue_up(desk, "+31620000011")
    third = queue_up(desk, "+31620000012")
    third.press("1")  # a callback, keeping the place
    third.press("1")  # this number
    waiting = scrape(desk.app)
    assert waiting.value("ivr_callbacks_waiting", desk="default", language="nl") == 1
    desk.board.pump()  # Anouk and Sanne take the first two callers
    desk.board.finish(ANOUK)  # free again: she calls the third caller back
    desk.board.pump()
    assert (ANOUK, "+31620000012") in desk.board.connected
    after = scrape(desk.app)
    assert after.value("ivr_callbacks_total", result="reached") == (
        before.value("ivr_callbacks_total", result="reached") + 1
    )
    assert after.value("ivr_callbacks_waiting", desk="default", language="nl") == 0
    # Asked for a callback while waiting; once called back, an agent took the call.
    assert waiting.value("ivr_calls", outcome="callback") == 1
    assert after.value("ivr_calls", outcome="callback") == 0
    assert after.value("ivr_calls", outcome="agent") == 3


def test_out_of_hours_reports_their_hand_off_and_text_messages(
    make_app: Callable[..., Flask], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.set(SATURDAY_NIGHT)
    with FakeTwilio(ACCOUNT, TOKEN) as fake:
        app = make_app(
            METRICS_TOKEN=METRICS_TOKEN,
            TWILIO_ACCOUNT_SID=ACCOUNT,
            TWILIO_API_BASE=fake.base_url,
            MESSAGES_FROM=DESK_NUMBER,
            INCIDENT_WEBHOOK_URL="http://127.0.0.1:9/tickets",  # the ticket system is down
        )
        for i in range(2):
            call = TwilioCall(InProcess(app, token=TOKEN), from_number=f"+3161234567{i}")
            assert out_of_hours_report(call).reference
        clock.set(SATURDAY_NIGHT + timedelta(minutes=5))
        after = scrape(app)
        assert after.value("ivr_desk_open", desk="default") == 0
        assert after.value("ivr_calls", outcome="report_out_of_hours") == 2
        assert after.total("ivr_calls") == 2
        assert after.total("ivr_incidents", state="open") == 2
        assert after.value("ivr_outbox_backlog", connector="ticket") == 2
        assert after.value("ivr_outbox_oldest_age_seconds", connector="ticket") == 300
        texts = after.value("ivr_outbox_backlog", connector="sms")
        assert texts >= 1 and after.value("ivr_text_messages", state="waiting") == texts

        # One pass of the outbox sender: texts go out, the ticket system stays down.
        passes: list[float] = []

        def stop(_seconds: float) -> None:
            passes.append(_seconds)
            raise KeyboardInterrupt

        monkeypatch.setattr("ivr.commands.outbox.time.sleep", stop)
        app.test_cli_runner().invoke(args=["outbox", "run"])
        assert passes
        sent = scrape(app)
        assert sent.value("ivr_outbox_backlog", connector="sms") == 0
        assert sent.value("ivr_text_messages", state="pending") == texts
        assert sent.value("ivr_outbox_backlog", connector="ticket") == 2
        last = sent.value("ivr_sidecar_last_pass_timestamp_seconds", sidecar="outbox_sender")
        assert abs(last - time.time()) < 60


def test_the_queue_sweeper_says_when_it_last_passed(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(METRICS_TOKEN=METRICS_TOKEN, PUBLIC_URL="https://ivr.example.test")
    monkeypatch.setattr(
        "ivr.commands.queue.time.sleep", lambda _s: (_ for _ in ()).throw(KeyboardInterrupt)
    )
    app.test_cli_runner().invoke(args=["queue", "run"])
    last = scrape(app).value("ivr_sidecar_last_pass_timestamp_seconds", sidecar="queue_sweeper")
    assert abs(last - time.time()) < 60


def test_a_database_fault_spools_and_says_the_database_is_down(
    make_app: Callable[..., Flask], clock: FixedClock, tmp_path
) -> None:
    clock.set(SATURDAY_NIGHT)
    spool_dir = str(tmp_path / "spool")
    down = make_app(
        METRICS_TOKEN=METRICS_TOKEN,
        DATABASE_URL=UNREACHABLE,
        DB_TIMEOUT_SECONDS=1,
        SPOOL_DIR=spool_dir,
    )
    before = scrape(down)
    call = TwilioCall(InProcess(down, token=TOKEN), from_number="+31612345670")
    assert out_of_hours_report(call).reference  # the caller still hears a reference
    after = scrape(down)
    assert after.value("ivr_database_up") == 0
    assert after.value("ivr_spool_files") == 1
    assert after.value("ivr_spool_events") >= 1 and after.value("ivr_spool_bytes") > 0
    spooled = after.total("ivr_spooled_webhook_events_total")
    assert spooled - before.total("ivr_spooled_webhook_events_total") == after.value(
        "ivr_spool_events"
    )
    errors = after.value("ivr_database_errors_total", kind="unreachable")
    assert errors > before.value("ivr_database_errors_total", kind="unreachable")
    degraded = after.total("ivr_webhooks_total", outcome="degraded")
    assert degraded > before.total("ivr_webhooks_total", outcome="degraded")
    assert after.value("ivr_spool_dead_letters") == 0
    spool.bury(spool_dir, "cannot be applied", {"type": "recording", "reference": "12345678"})
    assert scrape(down).value("ivr_spool_dead_letters") == 1


def test_twilio_refusing_the_account_raises_the_line_alert(desk: Line) -> None:
    before = scrape(desk.app)
    desk.fake.refuse_calls["*"] = (401, 20003)  # Authenticate: the account's token is wrong
    queue_up(desk, "+31620000020")
    after = scrape(desk.app)
    assert after.value("ivr_line_alert", kind="calls") == 1
    assert after.value("ivr_line_alert_code", kind="calls") == 20003
    assert after.value("ivr_line_alert", kind="messages") == 0
    assert after.value("ivr_twilio_rest_errors_total", code="20003") > before.value(
        "ivr_twilio_rest_errors_total", code="20003"
    )


def test_refused_and_unknown_webhooks_are_told_apart(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(METRICS_TOKEN=METRICS_TOKEN)
    before = scrape(app)
    client = app.test_client()
    assert client.post("/voice/incoming", data={"CallSid": "CA" + "1" * 32}).status_code == 403
    call = TwilioCall(InProcess(app, token=TOKEN), from_number="+31612345670")
    call.transport.post("/voice/no-such-step", {"CallSid": call.call_sid})
    after = scrape(app)
    refused = ("ivr_webhooks_total", {"endpoint": "voice.incoming", "outcome": "refused"})
    unknown = ("ivr_webhooks_total", {"endpoint": "unknown_step", "outcome": "fallback"})
    for name, labels in (refused, unknown):
        assert after.value(name, **labels) == before.value(name, **labels) + 1, labels


def test_each_desk_has_its_own_queue_agents_and_opening_figures(
    make_app: Callable[..., Flask], clock: FixedClock
) -> None:
    """A line of several desks (issue 26): the gauges carry the desk of each caller and agent."""
    from ivr.models import QueueEntry
    from tests.support.desks import two_desks

    clock.set(OPEN)
    app = make_app(METRICS_TOKEN=METRICS_TOKEN)
    two_desks(app)
    with app.app_context():
        session = get_session()
        add_agent(session, "Anouk", ANOUK, "nl", ["a"], known=("a", "b"))
        add_agent(session, "Jonas", JONAS, "de", ["a", "b"], known=("a", "b"))
        for n, desk in enumerate(("b", "b", "a")):
            session.add(
                QueueEntry(
                    desk=desk, call_sid=f"CA{n:032d}", language="nl", kind="incident",
                    category=3, status="waiting", mode="line",
                    enqueued_at=OPEN - timedelta(minutes=2), last_seen_at=OPEN,
                )
            )  # fmt: skip
        session.commit()
    figures = scrape(app)
    assert figures.value("ivr_callers_waiting", desk="a", language="nl") == 1
    assert figures.value("ivr_callers_waiting", desk="b", language="nl") == 2
    assert figures.value("ivr_agents", desk="a", presence="available") == 2
    assert figures.value("ivr_agents", desk="b", presence="available") == 1
    assert figures.value("ivr_agents_available", desk="b", language="de") == 1
    assert figures.value("ivr_agents_available", desk="b", language="nl") == 0
    assert figures.value("ivr_desk_open", desk="a") == figures.value("ivr_desk_open", desk="b") == 1
