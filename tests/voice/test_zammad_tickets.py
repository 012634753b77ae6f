"""Zammad as the desk's ticket system, end to end: calls driven through the signed webhooks, the
outbox delivering to the fake Zammad, and what Zammad's agents write coming back to the caller."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Incident, IncidentEvent, OutboxMessage
from ivr.phone.fake_twilio import FakeTwilio
from ivr.phone.switchboard import Switchboard
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from ivr.services import outbox
from ivr.services.agents import add_agent
from tests.conftest import TOKEN, local
from tests.support.fake_zammad import FakeZammad
from tests.voice.conftest import ACCOUNT, CALLER, DESK_NUMBER, Line

SATURDAY_NIGHT = local(2026, 11, 28, 22, 0)
OPEN_TUESDAY = local(2026, 11, 24, 10, 0)
SENDER = "+3197010203040"
AGENT = "+31687654321"


@pytest.fixture
def zammad(clock: FixedClock) -> Iterator[FakeZammad]:
    with FakeZammad(token="line-token") as fake:
        fake.now = clock.now  # Zammad's timestamps on the line's clock
        yield fake


@pytest.fixture
def desk(make_app: Callable[..., Flask], zammad: FakeZammad) -> Iterator[Line]:
    with FakeTwilio(ACCOUNT, TOKEN) as twilio:
        application = make_app(
            TICKET_SYSTEM="zammad",
            ZAMMAD_URL=zammad.base_url,
            ZAMMAD_TOKEN="line-token",
            ZAMMAD_GROUP="Users",
            ZAMMAD_CTI_URL=zammad.cti_url,
            MESSAGES_FROM=SENDER,
            TWILIO_ACCOUNT_SID=ACCOUNT,
            TWILIO_NUMBER=DESK_NUMBER,
            TWILIO_API_BASE=twilio.base_url,
            WRAP_UP_SECONDS=0,
            HTTP_TIMEOUT_SECONDS=2,
        )
        board = Switchboard(twilio, InProcess(application, token=TOKEN), line_number=DESK_NUMBER)
        yield Line(application, twilio, board)


def cli(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    return result.output


def deliver(app: Flask) -> str:
    return cli(app, "outbox", "deliver")


def spoken_reference(text: str) -> str:
    match = re.search(r"(\d(?:[ ,.]+\d){7})", text)
    assert match, text
    return re.sub(r"\D", "", match.group(1))


def out_of_hours_report(line: Line, clock: FixedClock, number: str = CALLER) -> str:
    """A caller reports an incident on a Saturday night: Dutch, disruption, all users, functions
    fail (category 2), a spoken message; the reference as they heard it."""
    clock.set(SATURDAY_NIGHT)
    call = TwilioCall(InProcess(line.app, token=TOKEN), from_number=number, to_number=DESK_NUMBER)
    call.start()
    for key in "1112":
        call.press(key)
    call.record(duration=25)
    call.press("1")
    reference = spoken_reference(call.heard)
    call.hang_up()
    return reference


def tickets_of(zammad: FakeZammad, reference: str) -> list[dict]:
    return zammad.tickets_titled(f"IVR {reference}:")


def rows(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        query = select(OutboxMessage).where(OutboxMessage.channel == "ticket")
        return list(get_session().scalars(query.order_by(OutboxMessage.id)))


def test_an_out_of_hours_report_arrives_once_with_customer_priority_and_reference(
    desk: Line, zammad: FakeZammad, clock: FixedClock
) -> None:
    reference = out_of_hours_report(desk, clock)
    assert zammad.tickets == {}  # queued with the report, sent by the outbox

    assert "delivered" in deliver(desk.app)
    deliver(desk.app)
    clock.advance(timedelta(hours=2))
    deliver(desk.app)

    (ticket,) = tickets_of(zammad, reference)
    assert ticket["title"].startswith(f"IVR {reference}: incident · category 2")
    assert ticket["priority_id"] == 3  # category 2 -> "3 high" (ZAMMAD_PRIORITY_NAMES' default)
    assert zammad.users[ticket["customer_id"]]["phone"] == CALLER
    assert zammad.tags[ticket["id"]] == [f"ivr-{reference}"]
    (article,) = zammad.articles_of(ticket["id"])
    assert article["type"] == "phone" and article["internal"] is False
    assert f"Reference: {reference}" in article["body"] and "Recording: " in article["body"]
    assert "Taken out of hours: yes" in article["body"]
    (row,) = rows(desk.app)
    assert row.connector == "zammad" and row.external_id == str(ticket["id"])
    listed = cli(desk.app, "outbox", "list")
    assert "Zammad: 0 waiting, 1 delivered, 0 refused" in listed


def test_the_callers_next_report_finds_them_as_the_same_customer(
    desk: Line, zammad: FakeZammad, clock: FixedClock
) -> None:
    known = zammad.add_user(firstname="Anna", lastname="de Vries", mobile="0612345678")
    first = out_of_hours_report(desk, clock)
    deliver(desk.app)
    (ticket,) = tickets_of(zammad, first)
    assert ticket["customer_id"] == known


def test_an_in_hours_incident_an_agent_took_arrives_once_and_so_do_the_calls_cti_events(
    desk: Line, zammad: FakeZammad, clock: FixedClock
) -> None:
    clock.set(OPEN_TUESDAY)
    with desk.app.app_context():
        add_agent(get_session(), "Anouk", AGENT, "nl,de")
    call = desk.caller(CALLER)
    call.start()
    for key in "1111":  # Nederlands, a disruption, all users, cannot work: category 1
        call.press(key)
    assert call.queued
    desk.board.pump()
    assert call.bridged_to == AGENT
    desk.board.finish(AGENT)
    call.hang_up()
    for _ in range(4):
        deliver(desk.app)

    with desk.app.app_context():
        incident = get_session().scalars(select(Incident)).one()
    (ticket,) = tickets_of(zammad, incident.reference)
    assert ticket["priority_id"] == 3 and "category 1" in ticket["title"]
    assert zammad.users[ticket["customer_id"]]["phone"] == CALLER
    assert [e["event"] for e in zammad.cti] == ["newCall", "answer", "hangup"]
    assert zammad.cti[1]["user"] == "Anouk" and zammad.cti[2]["cause"] == "normalClearing"
    assert {e["callId"] for e in zammad.cti} == {call.call_sid}


@pytest.mark.parametrize("lose_with", [None, 504])
def test_a_lost_first_reply_still_makes_one_ticket(
    desk: Line, zammad: FakeZammad, clock: FixedClock, lose_with: int | None
) -> None:
    reference = out_of_hours_report(desk, clock)
    zammad.lose_replies, zammad.lose_with = 1, lose_with  # the ticket is written, the reply lost
    deliver(desk.app)
    assert len(tickets_of(zammad, reference)) == 1
    assert rows(desk.app)[0].delivered_at is None
    clock.advance(timedelta(minutes=1))
    deliver(desk.app)
    assert len(tickets_of(zammad, reference)) == 1
    (row,) = rows(desk.app)
    assert row.delivered_at is not None and row.external_id == str(
        tickets_of(zammad, reference)[0]["id"]
    )


def test_zammad_down_for_a_while_then_one_ticket(
    desk: Line, zammad: FakeZammad, clock: FixedClock
) -> None:
    reference = out_of_hours_report(desk, clock)
    zammad.failing = 503
    for _ in range(3):
        deliver(desk.app)
        clock.advance(timedelta(minutes=5))
    (row,) = rows(desk.app)
    assert row.delivered_at is None and "HTTP 503" in (row.last_error or "")
    assert "Zammad: 1 waiting" in cli(desk.app, "outbox", "list")
    zammad.failing = None
    clock.advance(timedelta(minutes=5))
    deliver(desk.app)
    assert len(tickets_of(zammad, reference)) == 1


def test_a_worker_that_dies_mid_delivery_leaves_one_ticket(
    desk: Line, zammad: FakeZammad, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = out_of_hours_report(desk, clock)
    real_record = outbox._record

    def die(*_args: object, **_kwargs: object) -> None:
        raise SystemExit("worker killed after Zammad wrote the ticket")

    monkeypatch.setattr(outbox, "_record", die)
    deliver(desk.app)  # the ticket is in Zammad; the line never learnt it
    assert len(tickets_of(zammad, reference)) == 1
    monkeypatch.setattr(outbox, "_record", real_record)
    deliver(desk.app)  # the dead worker's lease still holds
    assert rows(desk.app)[0].delivered_at is None
    clock.advance(outbox.LEASE)
    deliver(desk.app)
    assert rows(desk.app)[0].delivered_at is not None
    assert len(tickets_of(zammad, reference)) == 1


def test_a_refusal_is_a_visible_failure_with_zammads_words(
    desk: Line, zammad: FakeZammad, clock: FixedClock
) -> None:
    out_of_hours_report(desk, clock)
    zammad.refuse = (422, "Title is too long (maximum is 250 characters)")
    deliver(desk.app)
    clock.advance(timedelta(hours=2))
    deliver(desk.app)
    (row,) = rows(desk.app)
    assert row.given_up_at is not None and row.attempts == 1
    listed = cli(desk.app, "outbox", "list")
    assert "Zammad: 0 waiting, 0 delivered, 1 refused" in listed
    assert "HTTP 422: Title is too long (maximum is 250 characters)" in listed
    page = logged_in(desk.app).get("/console/handoff").get_data(as_text=True)
    assert "Zammad" in page
    assert "HTTP 422: Title is too long (maximum is 250 characters)" in page


def logged_in(app: Flask):  # type: ignore[no-untyped-def]
    from ivr.services.users import create_user
    from tests.console.conftest import PASSWORD, csrf_token

    with app.app_context():
        create_user(get_session(), "anouk", PASSWORD)
    client = app.test_client()
    token = csrf_token(client, "/console/login")
    form = {"username": "anouk", "password": PASSWORD, "csrf_token": token}
    assert client.post("/console/login", data=form).status_code == 302
    return client


def test_a_group_zammad_does_not_have_stops_the_sender_at_start(
    make_app: Callable[..., Flask], zammad: FakeZammad
) -> None:
    app = make_app(
        TICKET_SYSTEM="zammad", ZAMMAD_URL=zammad.base_url, ZAMMAD_TOKEN="line-token",
        ZAMMAD_GROUP="2nd Level",
    )  # fmt: skip
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert result.exit_code != 0
    assert "ZAMMAD_GROUP: Zammad has no active group '2nd Level'" in result.output


def ask_status(app: Flask, number: str, reference: str) -> TwilioCall:
    call = TwilioCall(InProcess(app, token=TOKEN), from_number=number, to_number=DESK_NUMBER)
    call.start()
    if "Status" not in call.heard:
        call.press("1")
    call.press("4")
    call.press(reference)
    return call


def test_a_public_reply_and_closing_in_zammad_reach_the_caller(
    desk: Line, zammad: FakeZammad, clock: FixedClock
) -> None:
    reference = out_of_hours_report(desk, clock)
    deliver(desk.app)
    (ticket,) = tickets_of(zammad, reference)
    clock.set(local(2026, 11, 30, 9, 0))
    zammad.reply(ticket["id"], "<p>De mailserver is herstart, we testen nu.</p>")
    zammad.reply(ticket["id"], "intern: schijf was vol", internal=True)

    assert "1 new" in cli(desk.app, "tickets", "sync")
    assert "0 new" in cli(desk.app, "tickets", "sync")  # the same reply twice adds nothing
    deliver(desk.app)  # the text message to the caller

    with desk.app.app_context():
        incident = get_session().scalars(select(Incident)).one()
        updates = (
            get_session()
            .scalars(select(IncidentEvent).where(IncidentEvent.incident_id == incident.id))
            .all()
        )
    texts = [e.text for e in updates if e.text]
    assert "De mailserver is herstart, we testen nu." in texts
    assert not any("schijf" in t for t in texts)
    sent = [m["body"] for m in desk.fake.messages if m["to"] == CALLER]
    assert any("De mailserver is herstart, we testen nu." in body for body in sent)
    clock.advance(timedelta(minutes=10))
    heard = ask_status(desk.app, CALLER, reference).heard
    assert "De mailserver is herstart, we testen nu." in heard

    clock.advance(timedelta(minutes=20))
    zammad.close(ticket["id"])
    assert "1 new" in cli(desk.app, "tickets", "sync")
    with desk.app.app_context():
        incident = get_session().scalars(select(Incident)).one()
    assert incident.status == "resolved" and incident.resolved_by == "Zammad"


def test_a_caller_who_hangs_up_midway_is_a_ticket_too(
    desk: Line, zammad: FakeZammad, clock: FixedClock
) -> None:
    clock.set(SATURDAY_NIGHT)
    call = TwilioCall(InProcess(desk.app, token=TOKEN), from_number=CALLER, to_number=DESK_NUMBER)
    call.start()
    for key in "112":  # Nederlands, a disruption, several users: then the caller hangs up
        call.press(key)
    call.hang_up()
    call.replay_last()  # Twilio retries the status callback: still one hand-off
    deliver(desk.app)
    deliver(desk.app)
    with desk.app.app_context():
        incident = get_session().scalars(select(Incident)).one()
    (ticket,) = tickets_of(zammad, incident.reference)
    (article,) = zammad.articles_of(ticket["id"])
    assert "Impact: some_users" in article["body"]
    assert zammad.users[ticket["customer_id"]]["phone"] == CALLER


def test_no_full_phone_number_in_the_logs_of_zammad_deliveries(
    desk: Line, zammad: FakeZammad, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    reference = out_of_hours_report(desk, clock)
    zammad.failing = 503
    deliver(desk.app)
    zammad.failing = None
    zammad.lose_replies, zammad.lose_path = 1, "/api/v1/users"
    clock.advance(timedelta(minutes=1))
    deliver(desk.app)
    clock.advance(timedelta(minutes=2))
    deliver(desk.app)
    assert len(tickets_of(zammad, reference)) == 1
    assert caplog.records and CALLER not in caplog.text and CALLER[1:] not in caplog.text
    assert "line-token" not in caplog.text and zammad.cti_token not in caplog.text


def test_zammad_down_while_reading_progress_is_read_again_later(
    desk: Line, zammad: FakeZammad, clock: FixedClock
) -> None:
    reference = out_of_hours_report(desk, clock)
    deliver(desk.app)
    (ticket,) = tickets_of(zammad, reference)
    clock.set(local(2026, 11, 30, 9, 0))
    zammad.reply(ticket["id"], "Wij bellen u om tien uur.")
    zammad.failing = 503
    said = cli(desk.app, "tickets", "sync")
    assert "not read: " in said and "HTTP 503: Service Unavailable" in said
    zammad.failing = None
    assert "1 new" in cli(desk.app, "tickets", "sync")
