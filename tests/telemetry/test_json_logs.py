"""LOG_FORMAT=json: every line a whole call writes is one JSON object, numbers masked."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from ivr.clock import FixedClock
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, local
from tests.reliability.calls import out_of_hours_report

CALLER = "+31612345678"
UNREACHABLE = "postgresql+psycopg://ivr:ivr@127.0.0.1:9/ivr"


@pytest.fixture(autouse=True)
def text_again() -> Iterator[None]:
    """The JSON handler is the root logger's; later tests get the text format and level back."""
    level = logging.getLogger().level
    yield
    from ivr.telemetry import logs

    logs.configure("INFO", "text")
    logging.getLogger().setLevel(level)


def lines_of(err: str) -> list[dict[str, object]]:
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "nothing was logged"
    return [json.loads(line) for line in lines]  # every line parses, or this fails


def test_a_whole_call_logs_json_lines_with_call_sid_and_desk(
    make_app, clock: FixedClock, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    # The database is away: the call is spooled, so the line has plenty to say.
    app = make_app(
        LOG_FORMAT="json", LOG_LEVEL="DEBUG", DATABASE_URL=UNREACHABLE, DB_TIMEOUT_SECONDS=1
    )
    clock.set(local(2026, 11, 28, 22, 0))
    capsys.readouterr()
    call = TwilioCall(InProcess(app, token=TOKEN), from_number=CALLER)
    assert out_of_hours_report(call).reference
    logging.getLogger("ivr.test").warning("outside any request")
    err = capsys.readouterr().err
    assert CALLER not in err and CALLER[1:] not in err  # numbers masked
    entries = lines_of(err)
    for entry in entries:
        assert {"time", "level", "logger", "message"} <= entry.keys(), entry
    in_call = [e for e in entries if e.get("call_sid")]
    assert in_call, entries
    assert {e["call_sid"] for e in in_call} == {call.call_sid}
    assert {e["desk"] for e in in_call} == {"default"}
    assert all(e.get("request_id") for e in in_call)
    assert any(e["level"] == "ERROR" and "spooled" in str(e["message"]) for e in in_call)
    assert any(e["level"] == "INFO" and "+316******78" in str(e["message"]) for e in in_call)
    outside = entries[-1]
    assert outside["message"] == "outside any request" and "call_sid" not in outside


def test_a_full_number_in_a_message_is_masked(make_app, capsys: pytest.CaptureFixture[str]) -> None:
    make_app(LOG_FORMAT="json")
    capsys.readouterr()
    logging.getLogger("ivr.test").warning("callback to %s or 0612345678", CALLER)
    (entry,) = lines_of(capsys.readouterr().err)
    assert entry["message"] == "callback to +316******78 or 0612****78"


def test_a_request_id_is_kept_from_the_proxy_or_made(make_app) -> None:
    client = make_app(LOG_FORMAT="json").test_client()
    assert client.get("/healthz", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"] == (
        "abc-123"
    )
    made = client.get("/healthz", headers={"X-Request-Id": "no spaces allowed"})
    assert made.headers["X-Request-Id"] != "no spaces allowed" and made.headers["X-Request-Id"]


def test_a_call_to_another_desk_logs_that_desks_key(
    make_app, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a line of several desks each line of a call says the desk of the number dialled."""
    from tests.support.desks import DESK_B_NUMBER, two_desks

    app = make_app(
        LOG_FORMAT="json", LOG_LEVEL="DEBUG", DATABASE_URL=UNREACHABLE, DB_TIMEOUT_SECONDS=1
    )
    two_desks(app)
    clock.set(local(2026, 11, 28, 22, 0))
    capsys.readouterr()
    call = TwilioCall(InProcess(app, token=TOKEN), from_number=CALLER, to_number=DESK_B_NUMBER)
    assert out_of_hours_report(call).reference
    in_call = [e for e in lines_of(capsys.readouterr().err) if e.get("call_sid")]
    assert in_call and {e["desk"] for e in in_call} == {"b"}
