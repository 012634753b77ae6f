"""A ticket system per desk (issue 28 once desks exist): ozmo's incidents go to its TOPdesk,
bayern's to its Zammad, with settings in DESKS_FILE and secrets named there, read from the
environment. Driven through the signed webhooks; each report arrives once in its own system
and never in the other, and each system's progress reaches its own incident only."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Incident, OutboxMessage
from ivr.phone.fake_topdesk import FakeTopdesk
from tests.conftest import local
from tests.desks.conftest import (
    BAYERN_NUMBER,
    DUTCH_CALLER,
    GERMAN_CALLER,
    OZMO_NUMBER,
    TWO_DESKS,
)
from tests.desks.test_two_desks import TUESDAY_1745, first_menu, report, row_of
from tests.support.fake_zammad import FakeZammad
from tests.voice.test_zammad_tickets import logged_in

WEDNESDAY_0900 = local(2026, 11, 25, 9, 0)


def with_tickets(topdesk_url: str, zammad_url: str) -> str:
    ozmo = f"""ticket_system = "topdesk"

[desk.ozmo.topdesk]
url = "{topdesk_url}"
username = "ivr-line"
app_password_env = "OZMO_TOPDESK_APP_PASSWORD"
priority_names = "P1,P2,P3,P4"

[desk.bayern]"""
    bayern = f"""ticket_system = "zammad"

[desk.bayern.zammad]
url = "{zammad_url}"
token_env = "BAYERN_ZAMMAD_TOKEN"
group = "Users"
cti_url_env = "BAYERN_ZAMMAD_CTI_URL"
"""
    # No text messages here (no Twilio account): only the tickets and Zammad's CTI.
    desks = re.sub(r"(?m)^messages_from = .*\n", "", TWO_DESKS)
    return desks.replace("[desk.bayern]", ozmo) + bayern


@pytest.fixture
def topdesk(clock: FixedClock) -> Iterator[FakeTopdesk]:
    with FakeTopdesk(now=clock.now) as fake:
        yield fake


@pytest.fixture
def zammad(clock: FixedClock) -> Iterator[FakeZammad]:
    with FakeZammad(token="bayern-token") as fake:
        fake.now = clock.now
        yield fake


@pytest.fixture
def line(
    make_app: Callable[..., Flask],
    tmp_path: Path,
    topdesk: FakeTopdesk,
    zammad: FakeZammad,
    monkeypatch: pytest.MonkeyPatch,
) -> Flask:
    monkeypatch.setenv("OZMO_TOPDESK_APP_PASSWORD", topdesk.password)
    monkeypatch.setenv("BAYERN_ZAMMAD_TOKEN", "bayern-token")
    monkeypatch.setenv("BAYERN_ZAMMAD_CTI_URL", zammad.cti_url)
    path = tmp_path / "desks.toml"
    path.write_text(with_tickets(topdesk.url, zammad.base_url), encoding="utf-8")
    topdesk.username = "ivr-line"
    # The environment has no ticket system: only the desks' own.
    return make_app(DESKS_FILE=str(path), MESSAGES_FROM="", HTTP_TIMEOUT_SECONDS=2)


def cli(app: Flask, *args: str) -> str:
    return app.test_cli_runner().invoke(args=list(args)).output


def tickets(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        query = select(OutboxMessage).where(OutboxMessage.channel == "ticket")
        return list(get_session().scalars(query.order_by(OutboxMessage.id)))


def incident(app: Flask, reference: str) -> Incident:
    with app.app_context():
        return get_session().scalars(select(Incident).where(Incident.reference == reference)).one()


def updates(app: Flask, reference: str) -> list[str | None]:
    with app.app_context():
        found = get_session().scalars(select(Incident).where(Incident.reference == reference))
        return [e.text for e in found.one().history if e.kind == "update"]


def test_each_desks_report_arrives_once_in_its_own_system_and_its_progress_comes_back(
    line: Flask, topdesk: FakeTopdesk, zammad: FakeZammad, clock: FixedClock
) -> None:
    ozmo = first_menu(line, clock, TUESDAY_1745, OZMO_NUMBER, DUTCH_CALLER)
    report(ozmo, "1")
    ozmo.hang_up()
    bayern = first_menu(line, clock, TUESDAY_1745, BAYERN_NUMBER, GERMAN_CALLER)
    report(bayern, "2")
    bayern.hang_up()
    dutch = row_of(line, Incident, ozmo).reference
    german = row_of(line, Incident, bayern).reference

    for _ in range(4):  # a call's CTI events go one a pass, in order
        assert "failed 0" in cli(line, "outbox", "deliver")
    clock.advance(timedelta(hours=2))
    assert "delivered 0, failed 0" in cli(line, "outbox", "deliver")

    (made,) = topdesk.made()  # ozmo's only
    assert made["externalNumber"] == dutch
    assert made["priority"]["name"] == "P2"
    assert zammad.tickets_titled(f"IVR {dutch}:") == []
    (ticket,) = zammad.tickets_titled("IVR ")  # bayern's only
    assert ticket["title"].startswith(f"IVR {german}:")
    assert {(r.desk, r.connector) for r in tickets(line)} == {
        ("ozmo", "topdesk"),
        ("bayern", "zammad"),
    }
    assert zammad.cti and all(e.get("callId") == bayern.call_sid for e in zammad.cti)
    listed = cli(line, "outbox", "list")
    assert "TOPdesk: 0 waiting, 1 delivered, 0 refused" in listed, listed
    assert "Zammad: 0 waiting, 1 delivered, 0 refused" in listed, listed
    page = logged_in(line).get("/console/handoff").get_data(as_text=True)
    assert "Incidents go to TOPdesk / Zammad." in page, page

    clock.set(WEDNESDAY_0900)
    topdesk.add_action(made["id"], "De centrale is herstart.", invisible_for_caller=False)
    zammad.reply(ticket["id"], "<p>Der Mailserver läuft wieder.</p>")
    synced = cli(line, "tickets", "sync")
    assert "2 new" in synced, synced
    assert "0 new" in cli(line, "tickets", "sync")
    texts = {reference: updates(line, reference) for reference in (dutch, german)}
    assert texts == {dutch: ["De centrale is herstart."], german: ["Der Mailserver läuft wieder."]}

    zammad.close(ticket["id"])
    cli(line, "tickets", "sync")
    assert incident(line, german).status == "resolved"
    assert incident(line, german).resolved_by == "Zammad"
    assert incident(line, dutch).status != "resolved"


def test_the_check_names_each_desks_system(line: Flask) -> None:
    checked = cli(line, "tickets", "check")
    assert "desk ozmo: topdesk: settings match" in checked, checked
    assert "desk bayern: zammad: settings match" in checked, checked


def test_a_setup_fault_names_the_desk(
    make_app: Callable[..., Flask],
    tmp_path: Path,
    topdesk: FakeTopdesk,
    zammad: FakeZammad,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OZMO_TOPDESK_APP_PASSWORD", topdesk.password)
    monkeypatch.setenv("BAYERN_ZAMMAD_TOKEN", "bayern-token")
    monkeypatch.setenv("BAYERN_ZAMMAD_CTI_URL", zammad.cti_url)
    path = tmp_path / "desks.toml"
    text = with_tickets(topdesk.url, zammad.base_url).replace("P1,P2,P3,P4", "P1,P2,P3,Px")
    path.write_text(text, encoding="utf-8")
    topdesk.username = "ivr-line"
    app = make_app(DESKS_FILE=str(path))
    result = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert result.exit_code != 0
    assert "desk 'ozmo': " in result.output and "Px" in result.output, result.output


def test_a_desk_without_a_system_keeps_its_incidents_while_the_other_delivers(
    make_app: Callable[..., Flask],
    tmp_path: Path,
    zammad: FakeZammad,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BAYERN_ZAMMAD_TOKEN", "bayern-token")
    monkeypatch.setenv("BAYERN_ZAMMAD_CTI_URL", zammad.cti_url)
    text = with_tickets("https://unused.invalid", zammad.base_url)
    start, end = text.index('ticket_system = "topdesk"'), text.index("[desk.bayern]")
    path = tmp_path / "desks.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    app = make_app(DESKS_FILE=str(path), MESSAGES_FROM="", HTTP_TIMEOUT_SECONDS=2)
    ozmo = first_menu(app, clock, TUESDAY_1745, OZMO_NUMBER, DUTCH_CALLER)
    report(ozmo, "1")
    ozmo.hang_up()
    bayern = first_menu(app, clock, TUESDAY_1745, BAYERN_NUMBER, GERMAN_CALLER)
    report(bayern, "2")
    bayern.hang_up()
    assert "failed 0" in cli(app, "outbox", "deliver")
    assert len(zammad.tickets_titled("IVR ")) == 1
    # ozmo's incident stays on the line, as every incident does without a ticket system.
    assert {(r.desk, r.connector) for r in tickets(app)} == {("bayern", "zammad")}
    listed = cli(app, "outbox", "list")
    assert "Zammad: 0 waiting, 1 delivered, 0 refused" in listed, listed
    page = logged_in(app).get("/console/handoff").get_data(as_text=True)
    assert "Incidents go to Zammad." in page, page


def test_a_desk_without_ticket_keys_uses_the_environments_system(
    make_app: Callable[..., Flask],
    tmp_path: Path,
    topdesk: FakeTopdesk,
    zammad: FakeZammad,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BAYERN_ZAMMAD_TOKEN", "bayern-token")
    monkeypatch.setenv("BAYERN_ZAMMAD_CTI_URL", zammad.cti_url)
    text = with_tickets("https://unused.invalid", zammad.base_url)
    start, end = text.index('ticket_system = "topdesk"'), text.index("[desk.bayern]")
    path = tmp_path / "desks.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    app = make_app(
        DESKS_FILE=str(path),
        TICKET_SYSTEM="topdesk",
        TOPDESK_URL=topdesk.url,
        TOPDESK_USERNAME=topdesk.username,
        TOPDESK_APP_PASSWORD=topdesk.password,
        HTTP_TIMEOUT_SECONDS=2,
    )
    ozmo = first_menu(app, clock, TUESDAY_1745, OZMO_NUMBER, DUTCH_CALLER)
    report(ozmo, "1")
    ozmo.hang_up()
    bayern = first_menu(app, clock, TUESDAY_1745, BAYERN_NUMBER, GERMAN_CALLER)
    report(bayern, "2")
    bayern.hang_up()
    for _ in range(4):
        assert "failed 0" in cli(app, "outbox", "deliver")
    (made,) = topdesk.made()
    assert made["externalNumber"] == row_of(app, Incident, ozmo).reference
    (ticket,) = zammad.tickets_titled("IVR ")
    assert ticket["title"].startswith(f"IVR {row_of(app, Incident, bayern).reference}:")
    assert {(r.desk, r.connector) for r in tickets(app)} == {
        ("ozmo", "topdesk"),
        ("bayern", "zammad"),
    }
    checked = cli(app, "tickets", "check")
    assert "topdesk: settings match" in checked and "desk bayern: zammad" in checked, checked
