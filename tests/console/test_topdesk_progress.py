"""TOPdesk's progress back to the caller (issue 28): an action visible to the caller becomes a
status update in the incident's history, a text message (fake Twilio) and what status by phone
says; an invisible one stays in TOPdesk; completion resolves the incident; each once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Incident
from ivr.phone.fake_topdesk import FakeTopdesk
from ivr.phone.fake_twilio import FakeTwilio
from tests.conftest import TOKEN, local
from tests.console.conftest import report_into
from tests.console.test_status_by_phone import ask_status

ACCOUNT = "AC" + "7" * 32
SENDER = "+3197010203040"
CALLER = "+31612345678"
SATURDAY_NIGHT = local(2026, 11, 28, 22, 0)
MONDAY_0900 = local(2026, 11, 30, 9, 0)
VISIBLE = "De centrale is herstart, we testen nu."
HIDDEN = "Intern: collega van netwerkbeheer ingeschakeld."


@pytest.fixture
def topdesk(clock: FixedClock) -> Iterator[FakeTopdesk]:
    with FakeTopdesk(now=clock.now) as fake:
        yield fake


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio(ACCOUNT, TOKEN) as fake:
        yield fake


@pytest.fixture
def app(make_app, topdesk: FakeTopdesk, twilio: FakeTwilio) -> Flask:  # type: ignore[no-untyped-def]
    return make_app(
        TICKET_SYSTEM="topdesk",
        TOPDESK_URL=topdesk.url,
        TOPDESK_USERNAME=topdesk.username,
        TOPDESK_APP_PASSWORD=topdesk.password,
        MESSAGES_FROM=SENDER,
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_API_BASE=twilio.base_url,
    )


def cli(app: Flask, *args: str) -> str:
    return app.test_cli_runner().invoke(args=list(args)).output


def texts(twilio: FakeTwilio) -> list[str]:
    return [m["body"] for m in twilio.messages if m["to"] == CALLER]


def history(app: Flask, reference: str) -> list[tuple[str, str | None, str | None]]:
    with app.app_context():
        incident = (
            get_session().scalars(select(Incident).where(Incident.reference == reference)).one()
        )
        return [(e.kind, e.author, e.text) for e in incident.history]


def test_visible_actions_reach_the_caller_and_completion_resolves_once(
    app: Flask, topdesk: FakeTopdesk, twilio: FakeTwilio, clock: FixedClock
) -> None:
    reference = report_into(app, clock, SATURDAY_NIGHT, "1112", caller=CALLER)
    assert "delivered 2, failed 0" in cli(app, "outbox", "deliver")  # the ticket, the reference
    made = topdesk.by_reference(reference)
    clock.set(MONDAY_0900)
    topdesk.add_action(made.resource["id"], HIDDEN, invisible_for_caller=True)
    topdesk.add_action(made.resource["id"], f"<b>{VISIBLE}</b>", invisible_for_caller=False)
    assert "progress: 1 read, 1 new" in cli(app, "tickets", "sync")
    assert "progress: 1 read, 0 new" in cli(app, "tickets", "sync")  # the same twice: nothing
    assert [(k, a, t) for k, a, t in history(app, reference) if k == "update"] == [
        ("update", "TOPdesk", VISIBLE)
    ]
    assert "delivered 1, failed 0" in cli(app, "outbox", "deliver")  # the update's text
    spaced = f"{reference[:4]} {reference[4:]}"
    assert texts(twilio)[-1] == f"Servicedesk, melding {spaced}: {VISIBLE}"
    assert all(HIDDEN not in t for t in texts(twilio))
    call = ask_status(app, CALLER, "1", reference)
    assert VISIBLE in call.heard and HIDDEN not in call.heard

    clock.advance(timedelta(hours=1))
    topdesk.complete(made.resource["id"])
    assert "2 read, 1 new" in cli(app, "tickets", "sync")
    assert "read, 0 new" in cli(app, "tickets", "sync")
    with app.app_context():
        incident = get_session().scalars(select(Incident)).one()
        assert incident.status == "resolved" and incident.resolved_by == "TOPdesk"
    assert [k for k, _a, _t in history(app, reference)].count("resolved") == 1
    cli(app, "outbox", "deliver")
    assert texts(twilio)[-1] == f"Servicedesk: uw melding {spaced} is opgelost."
    assert len([t for t in texts(twilio) if "opgelost" in t]) == 1


def test_topdesk_down_while_reading_is_read_again_later(
    app: Flask, topdesk: FakeTopdesk, clock: FixedClock
) -> None:
    reference = report_into(app, clock, SATURDAY_NIGHT, "1112", caller=CALLER)
    cli(app, "outbox", "deliver")
    clock.set(MONDAY_0900)
    topdesk.add_action(topdesk.by_reference(reference).resource["id"], VISIBLE,
                       invisible_for_caller=False)  # fmt: skip
    topdesk.failing = 502
    assert "not read: TOPdesk 502" in cli(app, "tickets", "sync")
    topdesk.failing = None
    assert "1 read, 1 new" in cli(app, "tickets", "sync")
    assert ("update", "TOPdesk", VISIBLE) in history(app, reference)


def test_tickets_in_topdesk_the_line_did_not_make_are_left_alone(
    app: Flask, topdesk: FakeTopdesk, clock: FixedClock
) -> None:
    report_into(app, clock, SATURDAY_NIGHT, "1112", caller=CALLER)
    cli(app, "outbox", "deliver")
    made = next(iter(topdesk.incidents.values())).resource
    made["externalNumber"] = "99999999"  # not a reference the line knows
    topdesk.add_action(made["id"], VISIBLE, invisible_for_caller=False)
    assert "1 read, 0 new" in cli(app, "tickets", "sync")
