"""REST errors by their code (issue 23): one agent's number sets that agent away; the account or
the line's settings keep every agent as they are, stop offers and raise one alert for the lead."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from ivr.models import Agent, QueueEntry
from ivr.phone.fake_twilio import FakeTwilio
from ivr.services import line_alerts, queue
from ivr.services.agents import add_agent
from ivr.services.dispatch import Dispatcher, Links
from ivr.twilio_rest import TwilioRest
from tests.conftest import TOKEN, local

ACCOUNT = "AC" + "9" * 32
OPEN = local(2026, 11, 24, 10, 0)
ANOUK, BERT, CARLA = "+31687000001", "+31687000002", "+31687000003"


@pytest.fixture
def fake():  # type: ignore[no-untyped-def]
    with FakeTwilio(ACCOUNT, TOKEN) as twilio:
        yield twilio


def _line(app: Flask, fake: FakeTwilio) -> Dispatcher:
    rest = TwilioRest(ACCOUNT, TOKEN, caller_id="+31413741742", api_base=fake.base_url)
    database = app.extensions["ivr.db"]
    with app.app_context(), database.sessions() as session:
        for name, number in (("Anouk", ANOUK), ("Bert", BERT), ("Carla", CARLA)):
            add_agent(session, name, number, "nl")
    for i in range(3):
        caller = queue.Caller(f"CA{i:032d}", "nl", "incident", 2)
        assert queue.join(database, caller, OPEN + timedelta(seconds=i), max_length=100)
    return Dispatcher(
        database, rest, Links("https://ivr.example.test"), app.extensions["ivr.queue"]
    )


def _presence(app: Flask) -> dict[str, tuple[str, str | None]]:
    with app.extensions["ivr.db"].sessions() as session:
        return {a.address: (a.presence, a.presence_note) for a in session.scalars(select(Agent))}


def test_an_invalid_agent_number_sets_only_that_agent_away(app: Flask, fake: FakeTwilio) -> None:
    line = _line(app, fake)
    fake.refuse_calls[ANOUK] = (400, 21211)  # Invalid 'To' Phone Number
    line(OPEN + timedelta(minutes=1))
    assert sorted(c.to for c in fake.calls.values()) == [BERT, CARLA]  # the others ring
    presence = _presence(app)
    assert presence[ANOUK] == ("away", "phone failed (Twilio 21211)")
    assert presence[BERT][0] == presence[CARLA][0] == "ringing"
    with app.extensions["ivr.db"].sessions() as session:
        assert line_alerts.standing(session) == []


@pytest.mark.parametrize(
    ("status", "code", "fix"),
    [
        (400, 21210, "TWILIO_NUMBER"),  # 'From' phone number not verified
        (400, 21212, "TWILIO_NUMBER"),  # Invalid Caller ID
        (401, 20003, "TWILIO_AUTH_TOKEN"),  # Authenticate
        (400, 21215, "geographic permissions"),  # Geo permissions
        (400, 13227, "geographic permissions"),  # No international authorization
        (403, 10001, "Twilio account"),  # Account is not active
    ],
)
def test_an_account_error_keeps_every_agent_and_raises_one_alert(
    app: Flask, fake: FakeTwilio, caplog: pytest.LogCaptureFixture, status: int, code: int, fix: str
) -> None:
    line = _line(app, fake)
    fake.refuse_calls["*"] = (status, code)
    caplog.set_level(logging.ERROR, logger="ivr.services.line_alerts")
    t = OPEN + timedelta(minutes=1)
    assert line(t) == []
    assert line(t + timedelta(seconds=5)) == []  # not tried again so soon
    later = t + timedelta(seconds=app.config["QUEUE_FAULT_SECONDS"] + 1)
    assert line(later) == []  # tried once more: still refused, still one alert
    assert len(fake.made("POST", r"/Calls\.json")) == 2
    assert {p for p, _ in _presence(app).values()} == {"available"}  # nobody logged out
    loud = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(loud) == 1 and fix in loud[0].getMessage() and str(code) in loud[0].getMessage()
    with app.extensions["ivr.db"].sessions() as session:
        (alert,) = line_alerts.standing(session)
        assert (alert.code, alert.kind) == (code, "calls") and fix in alert.fix
        # The callers on the line are taken on as when Twilio is down.
        assert {e.failed_offers for e in session.scalars(select(QueueEntry))} == {2}
    # Fixed: the next try after QUEUE_FAULT_SECONDS rings an agent and the alert is gone.
    fake.refuse_calls.clear()
    assert len(line(later + timedelta(seconds=app.config["QUEUE_FAULT_SECONDS"] + 1))) == 3
    with app.extensions["ivr.db"].sessions() as session:
        assert line_alerts.standing(session) == []


def test_the_console_shows_the_alert_on_every_page(app: Flask, fake: FakeTwilio, staff) -> None:  # type: ignore[no-untyped-def]
    line = _line(app, fake)
    fake.refuse_calls["*"] = (400, 21210)
    line(OPEN + timedelta(minutes=1))
    for page in ("/console/", "/console/agents", "/console/calls"):
        html = staff.get(page).get_data(as_text=True)
        assert 'class="flash error line-alert"' in html, page
        assert "TWILIO_NUMBER" in html and "21210" in html


def test_a_worker_started_after_the_fix_clears_the_alert(app: Flask, fake: FakeTwilio) -> None:
    """The setting fixed and the line restarted: the new worker never saw the refusal, and its
    first call placed still ends the alert the old one raised."""
    line = _line(app, fake)
    fake.refuse_calls["*"] = (401, 20003)
    assert line(OPEN + timedelta(minutes=1)) == []
    fake.refuse_calls.clear()
    rest = TwilioRest(ACCOUNT, TOKEN, caller_id="+31413741742", api_base=fake.base_url)
    restarted = Dispatcher(line.database, rest, line.links, app.extensions["ivr.queue"])
    with app.extensions["ivr.db"].sessions() as session:
        assert len(line_alerts.standing(session)) == 1
    assert restarted(OPEN + timedelta(minutes=2))
    with app.extensions["ivr.db"].sessions() as session:
        assert line_alerts.standing(session) == []
