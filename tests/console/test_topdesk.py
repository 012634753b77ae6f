"""Incidents straight into TOPdesk (issue 28), end to end through the webhooks and the outbox,
against a local fake of TOPdesk's REST API (ivr/phone/fake_topdesk.py): once each, with the
caller, the mapping and the reference, also when the first reply is lost, TOPdesk is down for a
while or a worker dies mid-delivery; a refusal ends as a visible failure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Incident, OutboxMessage
from ivr.phone.fake_topdesk import FakeTopdesk
from ivr.services import outbox, tickets
from tests.conftest import local
from tests.console.conftest import report_into

SATURDAY_NIGHT = local(2026, 11, 28, 22, 0)
CALLER = "+31612345678"


@pytest.fixture
def topdesk(clock: FixedClock) -> Iterator[FakeTopdesk]:
    with FakeTopdesk(now=clock.now) as fake:
        yield fake


def settings(topdesk: FakeTopdesk, **more: object) -> dict[str, object]:
    return {
        "TICKET_SYSTEM": "topdesk",
        "TOPDESK_URL": topdesk.url,
        "TOPDESK_USERNAME": topdesk.username,
        "TOPDESK_APP_PASSWORD": topdesk.password,
        "TOPDESK_PRIORITY_NAMES": ("P1", "P2", "P3", "P4"),
        "TOPDESK_IMPACT_NAMES": ("Organisatie", "Afdeling", "Persoon", "Geen"),
        "HTTP_TIMEOUT_SECONDS": 2,
        **more,
    }


@pytest.fixture
def app(make_app, topdesk: FakeTopdesk) -> Flask:  # type: ignore[no-untyped-def]
    return make_app(**settings(topdesk))


def cli(app: Flask, *args: str) -> str:
    return app.test_cli_runner().invoke(args=list(args)).output


def deliver(app: Flask) -> str:
    return cli(app, "outbox", "deliver")


def rows(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        return list(get_session().scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def posts(topdesk: FakeTopdesk) -> list[str]:
    return [r.path for r in topdesk.requests if r.method == "POST"]


def test_an_out_of_hours_report_arrives_once_with_caller_mapping_and_reference(
    app: Flask, topdesk: FakeTopdesk, clock: FixedClock
) -> None:
    person = topdesk.add_person("Visser, Jan", mobile="06" + CALLER[4:])  # typed nationally
    reference = report_into(app, clock, SATURDAY_NIGHT, "1112", caller=CALLER)
    assert "delivered 1, failed 0" in deliver(app)
    (made,) = topdesk.made()
    assert made["externalNumber"] == reference
    assert made["caller"]["id"] == person  # recognised by number: callerLookup
    assert made["briefDescription"].startswith("Storing, categorie 2")
    assert len(made["briefDescription"]) <= 80
    assert made["callType"]["name"] == "Storing"
    assert made["entryType"]["name"] == "Telefonisch"
    assert (made["priority"]["name"], made["impact"]["name"]) == ("P2", "Afdeling")
    request = made["request"]
    assert f"{reference[:4]} {reference[4:]}" in request
    assert "Wordt opgepakt</b>: 2026-11-30 08:30" in request  # the pick-up time, desk's time
    assert "Herstel uiterlijk" in request and "Buiten kantooruren aangenomen" in request
    (row,) = rows(app)
    assert row.external_id == made["id"] and row.connector == "topdesk"
    assert row.system_message == f"TOPdesk incident {made['number']}"
    clock.advance(timedelta(hours=2))
    assert "delivered 0, failed 0" in deliver(app)
    assert posts(topdesk) == ["/tas/api/incidents"]
    listing = cli(app, "outbox", "list")
    assert "TOPdesk: 0 waiting, 1 delivered, 0 refused" in listing
    assert f"as {made['id']} (TOPdesk incident {made['number']})" in listing


def test_an_unknown_caller_is_an_unregistered_caller_with_the_number(
    make_app, topdesk: FakeTopdesk, clock: FixedClock
) -> None:
    topdesk.require_branch = True
    app = make_app(**settings(topdesk, TOPDESK_CALLER_BRANCH="Hoofdkantoor"))
    report_into(app, clock, SATURDAY_NIGHT, "2112", caller="+4915123456789")
    assert "delivered 1" in deliver(app)
    (made,) = topdesk.made()
    assert made["caller"]["dynamicName"] == "Unbekannter Anrufer (Telefon)"
    assert made["caller"]["phoneNumber"] == "+4915123456789"
    assert made["caller"]["branch"]["id"] == topdesk.branches[0]["id"]
    assert made["briefDescription"].startswith("Störung, Kategorie 2")


@pytest.mark.parametrize("fault", ["none", "lost reply", "down", "worker died"])
def test_an_in_hours_incident_taken_by_an_agent_arrives_once(
    make_app, topdesk: FakeTopdesk, clock: FixedClock, fault: str
) -> None:
    from ivr.phone.fake_twilio import FakeTwilio
    from ivr.phone.switchboard import Switchboard
    from ivr.phone.transport import InProcess
    from ivr.services.agents import add_agent
    from tests.conftest import TOKEN
    from tests.voice.conftest import ACCOUNT, DESK_NUMBER

    with FakeTwilio(ACCOUNT, TOKEN) as twilio:
        app = make_app(
            **settings(topdesk),
            TWILIO_ACCOUNT_SID=ACCOUNT,
            TWILIO_NUMBER=DESK_NUMBER,
            TWILIO_API_BASE=twilio.base_url,
            WRAP_UP_SECONDS=0,
        )
        with app.app_context():
            add_agent(get_session(), "Anouk", "+31687654321", "nl,de")
        board = Switchboard(twilio, InProcess(app, token=TOKEN), line_number=DESK_NUMBER)
        clock.set(local(2026, 11, 24, 10, 0))
        call = board.call(CALLER)
        call.start()
        for key in "1111":  # Dutch, a disruption, all users, cannot make calls: category 1
            call.press(key)
        board.pump()
        board.finish("+31687654321")
        if fault == "lost reply":
            topdesk.lose_replies = 1
        elif fault == "down":
            topdesk.failing = 502
        elif fault == "worker died":  # claimed, never answered: the lease runs out
            (row,) = rows(app)
            assert outbox.claim_ticket(app.extensions["ivr.db"].sessions, row.id, clock.now())
        if fault != "none":
            assert "delivered 0" in deliver(app)
            topdesk.failing = None
            clock.advance(outbox.LEASE)
        assert "delivered 1, failed 0" in deliver(app)
        clock.advance(timedelta(hours=1))
        assert "delivered 0, failed 0" in deliver(app)
    (made,) = topdesk.made()
    with app.app_context():
        incident = get_session().scalars(select(Incident)).one()
    assert made["externalNumber"] == incident.reference
    assert made["priority"]["name"] == "P1" and made["impact"]["name"] == "Organisatie"
    assert made["caller"]["phoneNumber"] == CALLER
    assert "Buiten kantooruren" not in made["request"]


def test_a_lost_reply_is_looked_up_not_made_twice(
    app: Flask, topdesk: FakeTopdesk, clock: FixedClock
) -> None:
    reference = report_into(app, clock, SATURDAY_NIGHT)
    topdesk.lose_replies = 1  # TOPdesk makes the incident; its answer never arrives
    assert "delivered 0, failed 1" in deliver(app)
    (row,) = rows(app)
    assert row.delivered_at is None and "TOPdesk not reached" in (row.last_error or "")
    clock.advance(timedelta(seconds=30))
    assert "delivered 1, failed 0" in deliver(app)
    (made,) = topdesk.made()  # one, found by its externalNumber
    searched = [r.query.get("query") for r in topdesk.requests if r.path == "/tas/api/incidents"]
    assert f"externalNumber=='{reference}'" in searched
    (row,) = rows(app)
    assert row.external_id == made["id"] and "earlier try" in (row.system_message or "")
    assert posts(topdesk) == ["/tas/api/incidents"]


def test_topdesk_down_for_a_while_gets_it_exactly_once(
    app: Flask, topdesk: FakeTopdesk, clock: FixedClock
) -> None:
    report_into(app, clock, SATURDAY_NIGHT)
    topdesk.failing = 503
    for wait in (0, 1, 2):  # each due pass fails and backs off: 30 s, 1 min, 2 min
        clock.advance(timedelta(minutes=wait))
        assert "delivered 0, failed 1" in deliver(app)
    (row,) = rows(app)
    assert (
        row.attempts == 3
        and row.last_error == "TOPdesk 503: The service is temporarily unavailable"
    )
    assert "TOPdesk: 1 waiting, 0 delivered, 0 refused" in cli(app, "outbox", "list")
    topdesk.failing = None
    clock.advance(timedelta(minutes=2))
    assert "delivered 1, failed 0" in deliver(app)
    assert len(topdesk.made()) == 1


def test_a_slow_topdesk_that_wrote_is_not_written_twice(
    make_app, topdesk: FakeTopdesk, clock: FixedClock
) -> None:
    app = make_app(**settings(topdesk, HTTP_TIMEOUT_SECONDS=0.2))
    report_into(app, clock, SATURDAY_NIGHT)
    topdesk.slow = 1.0  # writes, then answers after the line stopped waiting
    assert "delivered 0, failed 1" in deliver(app)
    topdesk.slow = 0.0
    clock.advance(timedelta(minutes=1))
    assert "delivered 1" in deliver(app)
    assert len(topdesk.made()) == 1


def test_a_worker_that_dies_mid_delivery_leaves_no_duplicate(
    app: Flask, topdesk: FakeTopdesk, clock: FixedClock
) -> None:
    reference = report_into(app, clock, SATURDAY_NIGHT)
    sessions = app.extensions["ivr.db"].sessions
    (row,) = rows(app)
    # A worker claims it, sends it to TOPdesk and dies before it records the outcome.
    claimed = outbox.claim_ticket(sessions, row.id, clock.now())
    assert claimed is not None and not claimed.maybe_written
    with app.app_context():
        connector = tickets.connector_for(app.config)
        incident = get_session().scalars(select(Incident)).one()
    from ivr.connectors.base import Delivery
    from ivr.services.records import as_record

    connector.deliver(
        Delivery(row.id, row.event, 1, False, as_record(incident), row.desk, at=clock.now())
    )
    assert "delivered 0, failed 0" in deliver(app)  # the lease still holds
    clock.advance(outbox.LEASE)
    assert "delivered 1, failed 0" in deliver(app)  # the lease expired: looked up first
    (made,) = topdesk.made()
    assert made["externalNumber"] == reference
    (row,) = rows(app)
    assert row.attempts == 2 and row.external_id == made["id"]


def test_a_refusal_is_a_visible_failure_not_retried_until_staff_ask(
    app: Flask, topdesk: FakeTopdesk, clock: FixedClock
) -> None:
    report_into(app, clock, SATURDAY_NIGHT)
    topdesk.refusing = (400, "The caller's branch is archived")
    assert "delivered 0, failed 1" in deliver(app)
    clock.advance(timedelta(hours=3))
    assert "delivered 0, failed 0" in deliver(app)  # not tried again
    assert posts(topdesk) == ["/tas/api/incidents"]
    (row,) = rows(app)
    listing = cli(app, "outbox", "list")
    assert "TOPdesk: 0 waiting, 0 delivered, 1 refused" in listing
    assert f"{row.id:>6} topdesk" in listing
    assert "last error: TOPdesk 400: The caller's branch is archived" in listing
    assert f"message {row.id} is due now" in cli(app, "outbox", "retry", str(row.id))
    assert "delivered 1, failed 0" in deliver(app)
    assert len(topdesk.made()) == 1
    (row,) = rows(app)
    assert row.attempts == 2 and row.refusals == 1


def test_names_topdesk_does_not_know_stop_the_sender_at_start(
    make_app, topdesk: FakeTopdesk, clock: FixedClock
) -> None:
    app = make_app(**settings(topdesk, TOPDESK_PRIORITY_NAMES=("P1", "P2", "Hoog", "P4")))
    report_into(app, clock, SATURDAY_NIGHT)
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert result.exit_code != 0
    assert "TOPDESK_PRIORITY_NAMES: TOPdesk has no priorities named 'Hoog'" in result.output
    assert topdesk.made() == []
    wrong = make_app(**settings(topdesk, TOPDESK_APP_PASSWORD="not-it"))
    result = wrong.test_cli_runner().invoke(args=["tickets", "check"])
    assert result.exit_code != 0 and "TOPdesk 401" in result.output
    assert "topdesk: settings match" in cli(make_app(**settings(topdesk)), "tickets", "check")


def test_the_console_shows_each_connector_and_the_refusal_in_topdesk_s_words(
    app: Flask, staff, topdesk: FakeTopdesk, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    from tests.console.conftest import post_form

    first = report_into(app, clock, SATURDAY_NIGHT)
    deliver(app)
    second = report_into(app, clock, SATURDAY_NIGHT + timedelta(minutes=5), "1111", "+31611111111")
    topdesk.refusing = (400, "The caller's branch is archived")
    deliver(app)
    page = staff.get("/console/handoff").get_data(as_text=True)
    assert "Incidents go to TOPdesk." in page
    assert (
        '<tr data-connector="topdesk"><td>TOPdesk</td><td>0</td><td>1</td><td>1</td></tr>' in page
    )
    assert "TOPdesk 400: The caller&#39;s branch is archived" in page
    assert f">{first}</a>" in page and f">{second}</a>" in page
    (refused,) = [m for m in rows(app) if m.given_up_at]
    post_form(staff, "/console/handoff", f"/console/handoff/{refused.id}/retry")
    assert "delivered 1, failed 0" in deliver(app)
    page = staff.get("/console/handoff").get_data(as_text=True)
    assert "<td>TOPdesk</td><td>0</td><td>2</td><td>0</td>" in page
    assert len(topdesk.made()) == 2


def test_the_recording_is_attached_once_when_the_desk_chooses_so(
    make_app, topdesk: FakeTopdesk, clock: FixedClock
) -> None:
    from tests.console.receivers import serving

    mp3 = b"ID3\x03\x00\x00\x00\x00\x00\x00fake-mp3-frames"
    with serving(reply=mp3, content_type="audio/mpeg") as media:
        app = make_app(
            **settings(topdesk, TOPDESK_ATTACH_RECORDING=True),
            TWILIO_ACCOUNT_SID="AC123",
            TWILIO_API_BASE=media.url,
        )
        reference = report_into(app, clock, SATURDAY_NIGHT)
        with app.app_context():
            session = get_session()
            incident = session.scalars(select(Incident)).one()
            incident.recording_url = f"{media.url}/2010-04-01/Accounts/AC123/Recordings/RE1"
            session.commit()
        topdesk.lose_replies = 1  # made, answer lost: the retry finds it and attaches once
        assert "failed 1" in deliver(app)
        clock.advance(timedelta(minutes=1))
        assert "delivered 1, failed 0" in deliver(app)
    made = topdesk.by_reference(reference)
    (attachment,) = made.attachments
    assert (attachment.file_name, attachment.content) == (f"{reference}.mp3", mp3)
    assert attachment.content_type == "audio/mpeg" and attachment.invisible_for_caller
    assert "<b>Opname</b>: 25 s, bijgevoegd" in made.resource["request"]
    (fetched,) = media.received
    assert fetched.path == "/2010-04-01/Accounts/AC123/Recordings/RE1.mp3"
    assert fetched.headers["Authorization"].startswith("Basic ")


def test_outbox_run_reads_progress_every_so_many_passes(
    make_app, topdesk: FakeTopdesk, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(**settings(topdesk, TICKETS_SYNC_PASSES=2))
    reference = report_into(app, clock, SATURDAY_NIGHT)
    deliver(app)
    topdesk.add_action(topdesk.by_reference(reference).resource["id"], "Opgelost na herstart.",
                       invisible_for_caller=False)  # fmt: skip

    class Stop(Exception):
        pass

    passes: list[float] = []

    def sleep(seconds: float) -> None:
        passes.append(seconds)
        if len(passes) == 2:
            raise Stop

    monkeypatch.setattr("ivr.commands.outbox.time.sleep", sleep)
    result = app.test_cli_runner().invoke(args=["outbox", "run", "--interval", "0"])
    assert isinstance(result.exception, Stop)
    assert "progress: 1 new" in result.output
    with app.app_context():
        incident = get_session().scalars(select(Incident)).one()
        assert [e.text for e in incident.history if e.kind == "update"] == ["Opgelost na herstart."]


def test_a_refused_attachment_does_not_undo_the_incident(
    make_app, topdesk: FakeTopdesk, clock: FixedClock
) -> None:
    from tests.console.receivers import serving

    with serving(reply=b"mp3", content_type="audio/mpeg") as media:
        app = make_app(
            **settings(topdesk, TOPDESK_ATTACH_RECORDING=True),
            TWILIO_ACCOUNT_SID="AC123",
            TWILIO_API_BASE=media.url,
        )
        report_into(app, clock, SATURDAY_NIGHT)
        with app.app_context():
            session = get_session()
            incident = session.scalars(select(Incident)).one()
            incident.recording_url = f"{media.url}/2010-04-01/Accounts/AC123/Recordings/RE2"
            session.commit()
        topdesk.refusing_attachments = (400, "Attachments are larger than the maximum size")
        assert "delivered 1, failed 0" in deliver(app)
    (row,) = rows(app)
    assert "recording not attached: TOPdesk 400: Attachments are larger" in (
        row.system_message or ""
    )
    assert len(topdesk.made()) == 1


@pytest.mark.parametrize(
    ("status", "ends"),
    [(400, "refused"), (403, "refused"), (404, "refused"), (409, "refused"), (422, "refused"),
     (408, "waiting"), (429, "waiting"), (500, "waiting"), (502, "waiting"), (503, "waiting"),
     (504, "waiting")],
)  # fmt: skip
def test_every_error_status_ends_as_planned(
    app: Flask, topdesk: FakeTopdesk, clock: FixedClock, status: int, ends: str
) -> None:
    report_into(app, clock, SATURDAY_NIGHT)
    topdesk.refusing = (status, f"said with {status}")
    assert "delivered 0, failed 1" in deliver(app)
    (row,) = rows(app)
    assert row.last_error == f"TOPdesk {status}: said with {status}"
    assert (row.given_up_at is not None) == (ends == "refused")
    clock.advance(timedelta(minutes=1))
    assert ("delivered 1" in deliver(app)) == (ends == "waiting")
    assert len(topdesk.made()) == (1 if ends == "waiting" else 0)


def test_topdesk_s_lists_are_read_once_at_start_not_per_delivery(
    app: Flask, topdesk: FakeTopdesk, clock: FixedClock
) -> None:
    report_into(app, clock, SATURDAY_NIGHT)
    report_into(app, clock, SATURDAY_NIGHT + timedelta(minutes=3), "1111", "+31611111111")
    assert "delivered 2, failed 0" in deliver(app)
    lists = [r.path for r in topdesk.requests if r.path.count("/") == 4]  # /tas/api/incidents/x
    assert sorted(lists) == [
        "/tas/api/incidents/call_types",
        "/tas/api/incidents/entry_types",
        "/tas/api/incidents/impacts",
        "/tas/api/incidents/priorities",
    ]  # TOPDESK_URGENCY_NAMES is empty here: that list is not needed
    assert all(r.authorised for r in topdesk.requests)


def test_the_webhook_chosen_by_name_tells_nothing_back(make_app, clock: FixedClock) -> None:
    from tests.console.receivers import serving

    with serving() as receiver:
        app = make_app(TICKET_SYSTEM="webhook", INCIDENT_WEBHOOK_URL=f"{receiver.url}/hook")
        report_into(app, clock, SATURDAY_NIGHT)
        assert "delivered 1, failed 0" in deliver(app)
        assert "progress: 0 read, 0 new" in cli(app, "tickets", "sync")
        assert "Webhook: 0 waiting, 1 delivered, 0 refused" in cli(app, "outbox", "list")
    nowhere = make_app(TICKET_SYSTEM="webhook")
    result = nowhere.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert result.exit_code != 0 and "INCIDENT_WEBHOOK_URL is not set" in result.output


def test_a_refusal_is_counted_for_the_monitoring(make_app, topdesk: FakeTopdesk, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.telemetry.scrape import METRICS_TOKEN, scrape

    app = make_app(**settings(topdesk), METRICS_TOKEN=METRICS_TOKEN)
    report_into(app, clock, SATURDAY_NIGHT)
    topdesk.refusing = (400, "no")
    deliver(app)
    seen = scrape(app)
    assert seen.value("ivr_tickets_refused", system="topdesk") == 1
    assert seen.value("ivr_tickets_refused", system="webhook") == 0
    assert seen.value("ivr_outbox_backlog", connector="ticket") == 0  # not waiting: refused
