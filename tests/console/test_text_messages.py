"""Text messages to the caller through Twilio's Messaging API (a local fake of it), end to end:
the reference after an out-of-hours report, each status update, the resolution; exactly once,
only to mobile numbers, only with a sender, in the caller's language, never after a "no"."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Incident
from ivr.phone.fake_twilio import FakeTwilio
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from ivr.services import messages
from ivr.services.retention import purge
from tests.conftest import TOKEN, local
from tests.console.conftest import PASSWORD, csrf_token, post_form, report_into

ACCOUNT = "AC" + "2" * 32
SENDER = "+3197010203040"
SATURDAY_NIGHT = local(2026, 11, 28, 22, 0)
MONDAY_0900 = local(2026, 11, 30, 9, 0)


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(ACCOUNT, TOKEN) as server:
        yield server


@pytest.fixture
def app(make_app, fake: FakeTwilio) -> Flask:  # type: ignore[no-untyped-def]
    return make_app(MESSAGES_FROM=SENDER, TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_API_BASE=fake.base_url)


def deliver(app: Flask) -> str:
    return app.test_cli_runner().invoke(args=["outbox", "deliver"]).output


def texts(fake: FakeTwilio, to: str) -> list[str]:
    return [m["body"] for m in fake.messages if m["to"] == to]


@pytest.mark.parametrize(
    ("keys", "caller", "expected"),
    [
        ("1112", "+31612345678", "Servicedesk: uw melding heeft referentie {ref}. Een collega "
         "pakt haar op op maandag 30 november om 08:30. Hoe het ervoor staat: bel ons en "
         "druk 4."),
        ("2112", "+4915123456789", "Servicedesk: Ihre Meldung hat die Referenz {ref}. Ein "
         "Kollege bearbeitet sie am Montag, 30. November um 08:30 Uhr. Zum Stand: rufen Sie "
         "uns an und drücken Sie die 4."),
    ],
)  # fmt: skip
def test_out_of_hours_report_gets_its_reference_and_pickup_time_by_message(
    app: Flask, report, fake: FakeTwilio, keys, caller, expected
) -> None:
    reference = report(SATURDAY_NIGHT, keys, caller=caller)
    assert fake.messages == []  # queued with the report, sent by the outbox
    assert "delivered 1, failed 0" in deliver(app)
    (message,) = fake.messages
    assert (message["to"], message["from"]) == (caller, SENDER)
    assert message["body"] == expected.format(ref=f"{reference[:4]} {reference[4:]}")
    assert "delivered 0, failed 0" in deliver(app)  # and never again
    assert len(fake.messages) == 1


def test_an_update_reaches_the_caller_exactly_once_when_twilio_fails_and_recovers(
    app: Flask, staff: FlaskClient, report, fake: FakeTwilio, clock: FixedClock
) -> None:
    caller = "+31611112222"
    reference = report(MONDAY_0900, "1111", caller=caller)  # in hours: no reference message
    page = f"/console/incidents/{reference}"
    post_form(staff, page, f"{page}/updates", text="De centrale wordt herstart.")
    fake.failing = 500  # Twilio's API is down
    assert "delivered 0, failed 1" in deliver(app)
    assert texts(fake, caller) == []
    fake.failing = None
    assert "delivered 0, failed 0" in deliver(app)  # waits its back-off
    clock.set(clock.now() + timedelta(seconds=31))
    assert "delivered 1, failed 0" in deliver(app)
    clock.set(clock.now() + timedelta(hours=2))
    assert "delivered 0, failed 0" in deliver(app)
    assert texts(fake, caller) == [
        f"Servicedesk, melding {reference[:4]} {reference[4:]}: De centrale wordt herstart."
    ]
    assert len(fake.made("POST", r"/Messages\.json")) == 2  # the failed try and the one sent
    post_form(staff, page, f"{page}/resolve")
    post_form(staff, page, f"{page}/resolve")  # a second click changes nothing
    deliver(app)
    assert texts(fake, caller)[1:] == [
        f"Servicedesk: uw melding {reference[:4]} {reference[4:]} is opgelost."
    ]


def test_german_update_in_german_through_a_messaging_service(
    make_app, fake: FakeTwilio, clock: FixedClock, user
) -> None:
    app = make_app(
        MESSAGES_FROM="MG" + "3" * 32, TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_API_BASE=fake.base_url
    )
    reference = report_into(app, clock, MONDAY_0900, "2111", "+4915123456789")
    staff = app.test_client()
    login = {"username": user, "password": PASSWORD}
    staff.post("/console/login", data={**login, "csrf_token": csrf_token(staff, "/console/login")})
    page = f"/console/incidents/{reference}"
    assert "Status update, in German" in staff.get(page).get_data(as_text=True)
    post_form(staff, page, f"{page}/updates", text="Die Zentrale läuft wieder.")
    deliver(app)
    (message,) = fake.messages
    assert message["messaging_service_sid"] == "MG" + "3" * 32 and message["from"] is None
    assert message["body"] == (
        f"Servicedesk, Meldung {reference[:4]} {reference[4:]}: Die Zentrale läuft wieder."
    )


def test_no_message_to_a_landline_or_without_a_sender(
    app: Flask, make_app, staff: FlaskClient, report, fake: FakeTwilio, clock
) -> None:
    landline = report(SATURDAY_NIGHT, "1112", caller="+31201234567")  # Amsterdam, fixed line
    page = f"/console/incidents/{landline}"
    post_form(staff, page, f"{page}/updates", text="We kijken ernaar.")
    deliver(app)
    assert fake.messages == []
    quiet = make_app(TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_API_BASE=fake.base_url)  # no sender
    report_into(quiet, clock, SATURDAY_NIGHT, "1112", "+31655555555")
    with quiet.app_context():
        assert messages.sent_to(get_session(), "+31655555555") == []


@pytest.mark.parametrize(("language", "offer", "declined"), [
    ("1", "Geen sms over uw melding: druk 3.", "U ontvangt geen sms-berichten van ons."),
    ("2", "Keine SMS zu Ihrer Meldung: Taste 3.", "Sie erhalten von uns keine SMS."),
])  # fmt: skip
def test_a_caller_says_no_to_messages_with_one_key_and_it_is_remembered(
    app: Flask, staff: FlaskClient, fake: FakeTwilio, clock: FixedClock, language, offer, declined
) -> None:
    caller = "+31622223333"
    clock.set(SATURDAY_NIGHT)
    call = TwilioCall(InProcess(app, token=TOKEN), from_number=caller)
    call.start()
    for key in (language, "1", "1", "2"):
        call.press(key)
    call.record(duration=12)
    assert offer in call.heard
    call.press("3")  # this number, but no text messages
    assert declined in call.heard
    call.hang_up()
    with app.app_context():
        (incident,) = get_session().scalars(select(Incident)).all()
        reference = incident.reference
        assert incident.callback_number == caller
    page = f"/console/incidents/{reference}"
    clock.set(MONDAY_0900)
    post_form(staff, page, f"{page}/updates", text="Update.")
    deliver(app)
    assert fake.messages == []  # neither the reference nor the update
    with app.app_context():
        assert messages.sent_to(get_session(), caller) == []


def test_the_offer_is_not_made_without_a_sender(make_app, clock: FixedClock) -> None:
    quiet = make_app()
    clock.set(SATURDAY_NIGHT)
    call = TwilioCall(InProcess(quiet, token=TOKEN))
    call.start()
    for key in ("1", "1", "1", "2"):
        call.press(key)
    call.record(duration=12)
    assert "Klopt dat? Druk 1." in call.heard and "sms" not in call.heard.lower()


def test_two_senders_at_once_send_each_message_once(app: Flask, report, fake: FakeTwilio) -> None:
    callers = [f"+3161234{n:04d}" for n in range(6)]
    for caller in callers:
        report(SATURDAY_NIGHT, "1112", caller=caller)
    sessions = app.extensions["ivr.db"].sessions
    rest = app.extensions["ivr.twilio"]
    now = MONDAY_0900
    senders = [
        threading.Thread(target=messages.send_due, args=(sessions, rest, SENDER, now))
        for _ in range(2)
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    assert sorted(m["to"] for m in fake.messages) == sorted(callers)


def test_retention_purge_deletes_messages_with_the_numbers(
    app: Flask, report, fake: FakeTwilio, clock: FixedClock
) -> None:
    report(SATURDAY_NIGHT, "1112", caller="+31612349999")
    deliver(app)
    with app.app_context():
        assert len(messages.sent_to(get_session(), "+31612349999")) == 1
        purged = purge(get_session(), SATURDAY_NIGHT + timedelta(days=91), 90)
        assert purged.text_messages == 1
        assert messages.sent_to(get_session(), "+31612349999") == []


def test_an_update_whose_reply_was_lost_is_not_sent_again(
    app: Flask, staff: FlaskClient, report, fake: FakeTwilio, clock: FixedClock
) -> None:
    """Twilio took the German update but its answer never came back: the retry finds it."""
    caller = "+4915123456780"
    reference = report(MONDAY_0900, "2111", caller=caller)
    page = f"/console/incidents/{reference}"
    post_form(staff, page, f"{page}/updates", text="Die Zentrale wird neu gestartet.")
    fake.lose_replies = 502
    assert "delivered 0, failed 1" in deliver(app)
    fake.lose_replies = None
    clock.set(clock.now() + timedelta(seconds=31))
    assert "delivered 1, failed 0" in deliver(app)
    clock.set(clock.now() + timedelta(hours=2))
    assert "delivered 0, failed 0" in deliver(app)
    assert texts(fake, caller) == [
        f"Servicedesk, Meldung {reference[:4]} {reference[4:]}: Die Zentrale wird neu gestartet."
    ]
    assert len(fake.made("POST", r"/Messages\.json")) == 1
    with app.app_context():
        (kept,) = messages.sent_to(get_session(), caller)
        assert kept.external_id == fake.messages[0]["sid"] and kept.delivered_at is not None


class DiesAfterTwilioTookIt:
    """The REST adapter of a sender process that crashes right after Twilio accepted a message,
    before the outbox could write down that it was sent."""

    def __init__(self, rest) -> None:  # type: ignore[no-untyped-def]
        self.rest = rest

    def find_message(self, *args):  # type: ignore[no-untyped-def]
        return self.rest.find_message(*args)

    def send_message(self, *args):  # type: ignore[no-untyped-def]
        self.rest.send_message(*args)
        raise SystemExit("the sender died")


def test_a_sender_crashing_after_twilio_took_the_update_does_not_send_it_twice(
    app: Flask, staff: FlaskClient, report, fake: FakeTwilio, clock: FixedClock
) -> None:
    caller = "+31611113333"
    reference = report(MONDAY_0900, "1111", caller=caller)
    page = f"/console/incidents/{reference}"
    post_form(staff, page, f"{page}/updates", text="De centrale wordt herstart.")
    sessions, rest = app.extensions["ivr.db"].sessions, app.extensions["ivr.twilio"]
    with pytest.raises(SystemExit):
        messages.send_due(sessions, DiesAfterTwilioTookIt(rest), SENDER, clock.now())
    assert len(texts(fake, caller)) == 1  # Twilio has it; the outbox does not know
    assert "delivered 0, failed 0" in deliver(app)  # another sender: leased, not due yet
    clock.set(clock.now() + timedelta(minutes=2, seconds=1))  # the lease is over
    assert "delivered 1, failed 0" in deliver(app)  # found at Twilio, not sent again
    assert texts(fake, caller) == [
        f"Servicedesk, melding {reference[:4]} {reference[4:]}: De centrale wordt herstart."
    ]
    assert len(fake.made("POST", r"/Messages\.json")) == 1
    assert len(fake.made("GET", r"/Messages\.json")) == 1


def test_the_same_update_written_twice_reaches_the_caller_twice(
    app: Flask, staff: FlaskClient, report, fake: FakeTwilio, clock: FixedClock
) -> None:
    """The look-up after a failure does not take the first of two equal updates for the second."""
    caller = "+31611114444"
    reference = report(MONDAY_0900, "1111", caller=caller)
    page = f"/console/incidents/{reference}"
    post_form(staff, page, f"{page}/updates", text="Wij werken eraan.")
    assert "delivered 1, failed 0" in deliver(app)
    post_form(staff, page, f"{page}/updates", text="Wij werken eraan.")
    fake.failing = 503
    assert "delivered 0, failed 1" in deliver(app)
    fake.failing = None
    clock.set(clock.now() + timedelta(seconds=31))
    assert "delivered 1, failed 0" in deliver(app)
    assert len(texts(fake, caller)) == 2 and len(set(texts(fake, caller))) == 1
