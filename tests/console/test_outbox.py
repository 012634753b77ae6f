"""Hand-off to the ticket system: queued with the incident, signed, retried, delivered once."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import OutboxMessage
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from ivr.services import outbox
from tests.conftest import TOKEN, local
from tests.console.conftest import report_into
from tests.console.receivers import serving

SECRET = "shared-with-the-ticket-system"


def deliver(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["outbox", "deliver"])


def messages(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        return list(get_session().scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_completed_incident_is_delivered_signed(make_app, clock: FixedClock) -> None:
    with serving() as tickets:
        app = make_app(INCIDENT_WEBHOOK_URL=f"{tickets.url}/hook", INCIDENT_WEBHOOK_SECRET=SECRET)
        reference = report_into(app, clock, local(2026, 11, 28, 22, 0), "1112")
        result = deliver(app)
        assert "delivered 1, failed 0" in result.output
        (request,) = tickets.received
        assert request.path == "/hook"
        body = json.loads(request.body)
        assert body["event"] == "incident.completed"
        assert body["incident"]["reference"] == reference
        assert body["incident"]["category"] == 2 and body["incident"]["recording_url"]
        signed = request.headers["X-IVR-Timestamp"].encode() + b"." + request.body
        expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
        assert request.headers["X-IVR-Signature"] == f"sha256={expected}"
        assert request.headers["X-IVR-Delivery"] == str(body["delivery"])


def test_receiver_down_then_back_gets_it_exactly_once(make_app, clock: FixedClock) -> None:
    with serving() as probe:
        port = int(probe.url.rsplit(":", 1)[1])
    app = make_app(INCIDENT_WEBHOOK_URL=f"http://127.0.0.1:{port}/hook", HTTP_TIMEOUT_SECONDS=2)
    report_into(app, clock, local(2026, 11, 28, 22, 0), "1111")
    for attempt in range(3):  # down: each pass that finds the message due fails and backs off
        clock.advance(timedelta(minutes=5 if attempt else 0))
        assert "delivered 0" in deliver(app).output
    (waiting,) = messages(app)
    assert waiting.delivered_at is None and waiting.attempts == 3
    assert "ConnectionError" in (waiting.last_error or "")
    with serving(port=port) as tickets:
        assert "delivered 0" in deliver(app).output  # backing off: 2 min after the 3rd try
        clock.advance(timedelta(minutes=2))
        assert "delivered 1" in deliver(app).output
        clock.advance(timedelta(hours=1))
        assert "delivered 0, failed 0" in deliver(app).output
        assert len(tickets.received) == 1
    (done,) = messages(app)
    assert done.delivered_at is not None and done.attempts == 4 and done.last_error is None


def test_error_answers_are_retried_with_growing_waits(make_app, clock) -> None:
    with serving(status=500) as tickets:
        app = make_app(INCIDENT_WEBHOOK_URL=tickets.url)
        report_into(app, clock, local(2026, 11, 28, 22, 0), "1111")
        deliver(app)
        (message,) = messages(app)
        assert message.last_error == "HTTP 500"
        assert message.next_attempt_at - clock.now() == timedelta(seconds=30)
    assert [outbox.backoff(n) for n in (1, 2, 3, 9, 20)] == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(hours=1),
        timedelta(hours=1),
    ]


def test_two_workers_never_send_the_same_message_twice(make_app, clock) -> None:
    with serving() as tickets:
        app = make_app(INCIDENT_WEBHOOK_URL=tickets.url)
        report_into(app, clock, local(2026, 11, 28, 22, 0), "1111")
        sessions = app.extensions["ivr.db"].sessions
        receiver = outbox.Receiver(tickets.url, "", 2)
        first = outbox.deliver_due(sessions, receiver, clock.now())
        second = outbox.deliver_due(sessions, receiver, clock.now())
        assert (first.delivered, second.delivered) == (1, 0)
        assert len(tickets.received) == 1


def test_a_caller_who_hangs_up_midway_is_handed_off_too(make_app, clock: FixedClock) -> None:
    with serving() as tickets:
        app = make_app(INCIDENT_WEBHOOK_URL=tickets.url)
        clock.set(local(2026, 11, 28, 22, 0))
        call = TwilioCall(InProcess(app, token=TOKEN))
        call.start()
        call.press("1")
        call.press("1")
        call.hang_up()
        call.replay_last()  # Twilio retries the status callback: still one message
        deliver(app)
        (request,) = tickets.received
        body = json.loads(request.body)
        assert (body["event"], body["incident"]["status"]) == ("incident.partial", "partial")


def test_no_webhook_configured_queues_nothing(app: Flask, clock: FixedClock) -> None:
    report_into(app, clock, local(2026, 11, 28, 22, 0), "1111")
    assert messages(app) == []
    result = deliver(app)
    assert result.exit_code != 0 and "INCIDENT_WEBHOOK_URL is not set" in result.output


def test_outbox_list_and_retry(make_app, clock: FixedClock) -> None:
    with serving(status=503) as tickets:
        app = make_app(INCIDENT_WEBHOOK_URL=tickets.url)
        report_into(app, clock, local(2026, 11, 28, 22, 0), "1111")
        deliver(app)
        (message,) = messages(app)
        listing = app.test_cli_runner().invoke(args=["outbox", "list"]).output
        assert "incident.completed" in listing and "last error: HTTP 503" in listing
        tickets.status = 200
        app.test_cli_runner().invoke(args=["outbox", "retry", str(message.id)])
        assert "delivered 1" in deliver(app).output
