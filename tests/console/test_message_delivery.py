"""Message delivery (issue 23): every text message asks Twilio for its status callbacks; queued
and sent stay pending, delivered is delivered, undelivered and failed show with Twilio's error
code and are sent again only where that code says a retry can help."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ivr.clock import FixedClock
from ivr.phone.fake_twilio import MESSAGE_STATUSES, FakeTwilio
from ivr.phone.transport import InProcess
from ivr.services.delivery import OUTCOME
from tests.conftest import TOKEN, local
from tests.contract.twilio_values import values_of
from tests.twiml import parse

ACCOUNT = "AC" + "7" * 32
SENDER = "+3197010000001"
PUBLIC = "https://ivr.example.test"
SATURDAY_NIGHT = local(2026, 11, 28, 22, 0)
CALLER = "+31612345678"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(ACCOUNT, TOKEN) as server:
        yield server


@pytest.fixture
def app(make_app, fake: FakeTwilio) -> Flask:  # type: ignore[no-untyped-def]
    return make_app(
        MESSAGES_FROM=SENDER,
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_API_BASE=fake.base_url,
        PUBLIC_URL=PUBLIC,
    )


def cli(app: Flask, *args: str) -> str:
    return app.test_cli_runner().invoke(args=["outbox", *args]).output


def sent_message(app: Flask, fake: FakeTwilio, report) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    reference = report(SATURDAY_NIGHT, "1112", caller=CALLER)
    assert "delivered 1, failed 0" in cli(app, "deliver")
    (message,) = fake.messages
    (create,) = fake.made("POST", r"/Messages\.json")
    callback = create.value("StatusCallback")
    assert callback.startswith(f"{PUBLIC}/voice/message/status?message=")
    return message["sid"], reference


def twilio_reports(app: Flask, fake: FakeTwilio, sid: str, status: str, code: int | None = None):  # type: ignore[no-untyped-def]
    reply = fake.report_message(InProcess(app, token=TOKEN), sid, status, code)
    assert reply is not None and reply.status == 200
    parse(reply.body)
    return reply


def test_undelivered_shows_as_undelivered_with_the_error_and_is_not_retried(
    app: Flask, fake: FakeTwilio, report, clock: FixedClock
) -> None:
    sid, _ = sent_message(app, fake, report)
    for status in ("sending", "sent"):
        twilio_reports(app, fake, sid, status)
        assert "pending" in cli(app, "list")
    twilio_reports(app, fake, sid, "undelivered", 30007)  # carrier filtering: final
    listing = cli(app, "list")
    assert "undelivered (Twilio error 30007)" in listing, listing
    twilio_reports(app, fake, sid, "sent")  # a late callback does not undo it
    assert "undelivered (Twilio error 30007)" in cli(app, "list")
    clock.set(clock.now().replace(hour=23))
    assert "delivered 0, failed 0" in cli(app, "deliver")
    assert len(fake.messages) == 1


def test_delivered_is_delivered(app: Flask, fake: FakeTwilio, report) -> None:
    sid, _ = sent_message(app, fake, report)
    twilio_reports(app, fake, sid, "delivered")
    assert ", delivered" in cli(app, "list")


def test_an_unreachable_handset_is_sent_again(
    app: Flask, fake: FakeTwilio, report, clock: FixedClock
) -> None:
    sid, _ = sent_message(app, fake, report)
    twilio_reports(app, fake, sid, "undelivered", 30003)  # handset off: a retry can help
    assert "waiting, next try" in cli(app, "list")
    clock.set(clock.now().replace(hour=23))
    assert "delivered 1, failed 0" in cli(app, "deliver")
    assert len(fake.messages) == 2 and fake.messages[1]["body"] == fake.messages[0]["body"]
    twilio_reports(app, fake, fake.messages[1]["sid"], "delivered")
    twilio_reports(app, fake, sid, "failed", 30003)  # the first SID's late news: ignored
    assert ", delivered" in cli(app, "list")


@pytest.mark.parametrize("status", values_of("MessageStatus"))
def test_every_documented_status_is_answered_with_twiml(
    app: Flask, fake: FakeTwilio, report, status: str
) -> None:
    assert status in OUTCOME  # a deliberate outcome for each
    sid, _ = sent_message(app, fake, report)
    twilio_reports(app, fake, sid, status, 30008 if status in ("failed", "undelivered") else None)


def test_an_unsigned_status_callback_is_refused(app: Flask, fake: FakeTwilio, report) -> None:
    sid, _ = sent_message(app, fake, report)
    reply = fake.report_message(InProcess(app, token=None), sid, "undelivered", 30007)
    assert reply is not None and reply.status == 403
    assert "undelivered" not in cli(app, "list")


def test_the_incident_page_shows_the_delivery(
    app: Flask, fake: FakeTwilio, report, staff: FlaskClient
) -> None:
    sid, reference = sent_message(app, fake, report)
    twilio_reports(app, fake, sid, "failed", 30006)  # a landline
    page = staff.get(f"/console/incidents/{reference}").get_data(as_text=True)
    assert '<span class="delivery failed">' in page and "30006" in page


def test_the_fake_emits_every_documented_message_status() -> None:
    assert sorted(MESSAGE_STATUSES) == sorted(values_of("MessageStatus"))
