"""Webhooks of one statement run in autocommit on PostgreSQL (issue 30): no BEGIN, no COMMIT.

What they keep is durable before Twilio gets the answer, as before; a webhook whose fact takes
more than one statement, or reports to an outbox, keeps its one transaction.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_database, get_session
from ivr.models import Call, Incident, OutboxMessage
from ivr.services import recorder
from tests.conftest import local
from tests.reliability.calls import out_of_hours_report
from tests.support.statements import counting
from tests.voice.conftest import call_row
from tests.voice.test_statement_budget import assert_within_budget, counted_call

ONE_STATEMENT = ("/voice/incoming", "/voice/intake", "/voice/status")


def test_one_statement_webhooks_send_no_begin_or_commit_on_postgresql(
    app: Flask, clock: FixedClock, database_url: str
) -> None:
    clock.set(local(2026, 11, 28, 22, 0))
    postgres = database_url.startswith("postgresql")
    with counting(app.extensions["ivr.db"].engine) as tally:
        call, per_webhook = counted_call(app, tally)
        assert out_of_hours_report(call).reference
    assert_within_budget(per_webhook)
    seen = set()
    for path, used in per_webhook:
        if path.endswith(ONE_STATEMENT):
            seen.add(path.rsplit("/voice", 1)[1])
            assert used["statements"] == 1, (path, used)
            assert used["commits"] == 1, (path, used)  # still one transaction that writes
            assert used["begins"] == (0 if postgres else 1), (path, used)
            assert used["autocommits"] == (1 if postgres else 0), (path, used)
    assert seen == {"/incoming", "/intake", "/status"}
    # What they kept is in the database for anyone to read.
    row = call_row(app, call)
    assert row.from_number == call.from_number
    assert row.ended_at is not None
    assert (row.outcome, row.twilio_status) == ("report taken", "completed")


def test_an_outbox_event_after_an_autocommitted_one_has_a_transaction_of_its_own(
    make_app, clock: FixedClock, database_url: str
) -> None:
    """A hand-off desk reports a completed incident to the ticket system's outbox: that row and
    the incident's status are written in one transaction, whatever came before in the request."""
    app = make_app(INCIDENT_WEBHOOK_URL="http://tickets.invalid/hook", INCIDENT_WEBHOOK_SECRET="s")
    clock.set(local(2026, 11, 28, 22, 0))
    at = clock.now().isoformat()
    sid = "CA" + "7" * 32
    with app.test_request_context("/voice/incoming", method="POST"):
        desk = app.extensions["ivr.desk"]
        facts = recorder.Facts(get_database(), desk, get_session())
        assert desk.handoff
        assert recorder.record(get_database(), desk, _incident(sid, at, "partial"))
        facts.record({"type": "call_route", "call_sid": sid, "at": at, "route": "closed"})
        assert bool(facts.early) == database_url.startswith("postgresql")  # autocommitted
        facts.record(_incident(sid, at, "open"))
        assert facts.pending, "the outbox event is in an open transaction"
        assert facts.commit()
    with app.app_context():
        session = get_session()
        incident = session.scalars(select(Incident)).one()
        assert incident.status == "open"
        assert session.scalars(select(Call)).one().route == "closed"
        sent = [m.event for m in session.scalars(select(OutboxMessage))]
        assert "incident.completed" in sent


def _incident(sid: str, at: str, status: str) -> dict[str, object]:
    return {
        "type": "incident",
        "call_sid": sid,
        "at": at,
        "reference": "123456",
        "kind": "incident",
        "language": "nl",
        "status": status,
        "from": "+31612345678",
    }
