"""The database goes away mid-call: callers still get TwiML, nothing they said is lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Incident
from ivr.phone.transport import InProcess, OverHttp
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, local
from tests.reliability.calls import in_hours_call, out_of_hours_report
from tests.support.servers import Postgres, gunicorn, private_postgres

UNREACHABLE = "postgresql+psycopg://ivr:ivr@127.0.0.1:9/ivr"  # nothing listens on port 9
FALLBACK = "+31201234567"
SATURDAY_NIGHT = local(2026, 11, 28, 22, 0)


def line_on(pg: Postgres, tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a gunicorn running the line on `pg`, migrated to the newest schema."""
    from ivr import migrations

    migrations.upgrade("head", url=pg.url)
    return {
        "DATABASE_URL": pg.url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_ALLOW_CLOCK_HEADER": "1",
        "SPOOL_DIR": str(tmp_path / "spool"),
        "FALLBACK_NUMBER": FALLBACK,
        "SECRET_KEY": "test",
        **settings,
    }


def references(app: Flask) -> set[str]:
    with app.app_context():
        return set(get_session().scalars(select(Incident.reference)))


def test_reports_taken_while_the_database_is_down_arrive_when_it_is_back(
    make_app, clock: FixedClock, tmp_path
) -> None:
    spool = str(tmp_path / "spool")
    down = make_app(DATABASE_URL=UNREACHABLE, DB_TIMEOUT_SECONDS=1, SPOOL_DIR=spool)
    clock.set(SATURDAY_NIGHT)
    taken = [
        out_of_hours_report(TwilioCall(InProcess(down, token=TOKEN), from_number=f"+3161234567{i}"))
        for i in range(3)
    ]
    assert all(outcome.reference for outcome in taken)  # every caller heard a reference
    up = make_app(SPOOL_DIR=spool)
    result = up.test_cli_runner().invoke(args=["spool", "replay"])
    assert result.exit_code == 0, result.output
    assert references(up) == {o.reference for o in taken}
    with up.app_context():
        for row in get_session().scalars(select(Incident)):
            assert (row.status, row.category, row.taken_out_of_hours) == ("open", 2, True)
            assert row.recording_url and row.received_at == SATURDAY_NIGHT


def test_in_hours_with_the_database_down_callers_go_straight_to_a_person(
    make_app, clock: FixedClock
) -> None:
    down = make_app(DATABASE_URL=UNREACHABLE, DB_TIMEOUT_SECONDS=1, FALLBACK_NUMBER=FALLBACK)
    clock.set(local(2026, 11, 24, 10, 0))
    outcome = in_hours_call(TwilioCall(InProcess(down, token=TOKEN)))
    assert outcome.dialled == (FALLBACK,)


def test_the_next_successful_write_replays_the_spool(make_app, clock: FixedClock, tmp_path) -> None:
    spool = str(tmp_path / "spool")
    clock.set(SATURDAY_NIGHT)
    down = make_app(DATABASE_URL=UNREACHABLE, DB_TIMEOUT_SECONDS=1, SPOOL_DIR=spool)
    taken = out_of_hours_report(TwilioCall(InProcess(down, token=TOKEN)))
    up = make_app(SPOOL_DIR=spool)
    later = out_of_hours_report(
        TwilioCall(InProcess(up, token=TOKEN), from_number="+4915123456789")
    )
    assert references(up) == {taken.reference, later.reference}
    assert "0 event(s) waiting" in up.test_cli_runner().invoke(args=["spool", "status"]).output


@pytest.mark.slow
@pytest.mark.postgres
def test_postgresql_stopped_mid_call_under_gunicorn(tmp_path) -> None:
    """A real server: calls in flight when PostgreSQL stops, and after; then it comes back."""
    with private_postgres() as pg:
        env = line_on(pg, tmp_path, DB_TIMEOUT_SECONDS="1")
        night = {"X-IVR-Clock": SATURDAY_NIGHT.isoformat()}
        day = {"X-IVR-Clock": local(2026, 11, 24, 10, 0).isoformat()}
        with gunicorn(env) as url:

            def call(i: int, headers) -> TwilioCall:  # type: ignore[no-untyped-def]
                transport = OverHttp(f"{url}/voice/incoming", token=TOKEN)
                return TwilioCall(transport, from_number=f"+316100000{i:02d}", headers=headers)

            before = [out_of_hours_report(call(i, night)) for i in range(3)]
            midway = call(10, night)
            midway.start()
            midway.press("1")
            pg.stop()  # PostgreSQL goes away while this caller is in the menus
            for key in "112":
                midway.press(key)
            midway.record(duration=30)
            midway.press("1")
            during = [out_of_hours_report(call(i, night)) for i in range(20, 23)]
            in_hours = in_hours_call(call(30, day))
            assert in_hours.dialled == (FALLBACK,)
            spooled = (tmp_path / "spool" / "pending.jsonl").read_text().splitlines()
            assert {json.loads(line)["type"] for line in spooled} >= {"incident", "recording"}
            pg.start()
            after = out_of_hours_report(call(40, night))  # its first write replays the spool
        taken = {o.reference for o in [*before, *during, after]}
        said = " ".join(h.text for h in midway.transcript if h.kind == "say")
        taken |= {out.reference for out in [_reference_in(said)] if out.reference}
        import sqlalchemy as sa

        engine = sa.create_engine(pg.url)
        with engine.connect() as connection:
            stored = list(
                connection.execute(
                    sa.text("SELECT reference, status FROM incidents WHERE taken_out_of_hours")
                )
            )
            in_hours_rows = connection.execute(
                sa.text("SELECT count(*) FROM incidents WHERE NOT taken_out_of_hours")
            ).scalar()
        engine.dispose()
        assert len(taken) == 8 and None not in taken
        assert {r for r, _ in stored} == taken  # reports taken == reports stored
        assert len(stored) == len(taken)  # and none twice
        assert all(status == "open" for _, status in stored)
        assert in_hours_rows == 1  # the caller put through to the fallback number is on record


def _reference_in(text: str):  # type: ignore[no-untyped-def]
    from tests.reliability.calls import REFERENCE, Outcome

    found = REFERENCE.search(text)
    return Outcome(found.group(1).replace(" ", "").replace(",", "") if found else None, ())


@pytest.mark.slow
@pytest.mark.postgres
def test_the_first_caller_after_a_quiet_postgresql_restart_is_served_as_usual(
    tmp_path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A restart at night, no call in between: the pooled connections are dead, not the line."""
    with private_postgres() as pg:
        env = line_on(pg, tmp_path)
        day = {"X-IVR-Clock": local(2026, 11, 24, 10, 0).isoformat()}
        with gunicorn(env, workers=1) as url:
            transport = OverHttp(f"{url}/voice/incoming", token=TOKEN)
            first = TwilioCall(transport, from_number="+31610000001", headers=day)
            assert in_hours_call(first).dialled != (FALLBACK,)  # the worker's pool is filled
            pg.stop()
            pg.start()
            second = TwilioCall(transport, from_number="+31610000002", headers=day)
            assert in_hours_call(second).dialled != (FALLBACK,)
        logged = capfd.readouterr().err  # gunicorn's workers log to this process's stderr
        assert "database unavailable" not in logged  # nothing had to wait in the spool
