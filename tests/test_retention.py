"""GDPR: recordings and full phone numbers are kept only as long as configured, never logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import CallerLanguage
from ivr.phone.fake_twilio import FakeTwilio
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from ivr.services.retention import purge
from tests.conftest import TOKEN, local
from tests.voice.conftest import call_row, incident_of

OLD_CALLER, NEW_CALLER = "+31612345678", "+4915123456789"


def report(app: Flask, caller: str) -> TwilioCall:
    call = TwilioCall(InProcess(app, token=TOKEN), from_number=caller)
    call.start()
    for key in ("1", "1", "2", "2"):
        call.press(key)
    call.record(duration=30)
    call.press("1")
    return call


ACCOUNT = "AC" + "7" * 32


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio(ACCOUNT, TOKEN) as fake:
        yield fake


@pytest.fixture
def app(make_app, twilio: FakeTwilio) -> Flask:  # type: ignore[no-untyped-def]
    """The line with its Twilio account: the local fake's REST API."""
    return make_app(TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_API_BASE=twilio.base_url)


def at_twilio(twilio: FakeTwilio, *calls: TwilioCall) -> list[str]:
    """The calls' recordings, as Twilio holds them."""
    sids = [r["RecordingSid"] for call in calls for _u, r in call.requests if "RecordingSid" in r]
    for sid in sids:
        twilio.recordings[sid] = {"sid": sid}
    return sorted(set(sids))


def deleted_at(twilio: FakeTwilio) -> list[str]:
    return [r.path.split("/")[-1].removesuffix(".json") for r in twilio.made("DELETE", r".*")]


@pytest.fixture
def two_reports(app: Flask, clock: FixedClock) -> tuple[TwilioCall, TwilioCall]:
    clock.set(local(2026, 8, 1, 22, 0))
    old = report(app, OLD_CALLER)
    clock.set(local(2026, 11, 20, 22, 0))
    new = report(app, NEW_CALLER)
    clock.set(local(2026, 11, 24, 10, 0))  # 115 and 4 days later
    return old, new


def test_purge_erases_old_recordings_at_twilio_and_numbers_only(
    app: Flask, two_reports, twilio: FakeTwilio
) -> None:
    old, new = two_reports
    (old_sid,) = at_twilio(twilio, old)
    at_twilio(twilio, new)
    result = app.test_cli_runner().invoke(args=["retention", "purge"])  # RETENTION_DAYS=90
    assert result.exit_code == 0, result.output
    assert "erased 1 recording(s) at Twilio" in result.output
    assert deleted_at(twilio) == [old_sid] and old_sid not in twilio.recordings
    gone, kept = incident_of(app, old), incident_of(app, new)
    assert gone.recording_url is None and gone.recording_sid is None
    assert gone.caller_number == gone.callback_number == "+316******78"
    assert call_row(app, old).from_number == "+316******78"
    assert (gone.reference, gone.category) == (incident_of(app, old).reference, 3)  # facts stay
    assert kept.recording_url and kept.caller_number == NEW_CALLER
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(CallerLanguage)) == 1


def test_purge_twice_changes_nothing_more(app: Flask, two_reports, twilio: FakeTwilio) -> None:
    at_twilio(twilio, *two_reports)
    runner = app.test_cli_runner()
    runner.invoke(args=["retention", "purge"])
    again = runner.invoke(args=["retention", "purge"])
    assert again.exit_code == 0
    assert "erased 0 recording(s) at Twilio; masked numbers of 0 incidents and 0 calls" in (
        again.output
    )


def test_purge_deletes_the_recording_at_twilio(app: Flask, two_reports) -> None:
    old, _new = two_reports
    sid = incident_of(app, old).recording_sid
    deleted: list[str] = []
    with app.app_context():
        purge(get_session(), local(2026, 11, 24, 10, 0), 90, deleted.append)
    assert deleted == [sid]


def test_without_twilio_credentials_nothing_is_claimed_and_the_sids_stay(
    make_app, clock: FixedClock
) -> None:
    app = make_app()  # no TWILIO_ACCOUNT_SID
    clock.set(local(2026, 8, 1, 22, 0))
    old = report(app, OLD_CALLER)
    clock.set(local(2026, 11, 24, 10, 0))
    sid = incident_of(app, old).recording_sid
    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert result.exit_code == 1
    assert "erased 0 recording(s) at Twilio" in result.output
    assert "1 recording(s) NOT erased" in result.output and "TWILIO_ACCOUNT_SID" in result.output
    assert incident_of(app, old).recording_sid == sid  # so a later purge can still erase it
    assert incident_of(app, old).caller_number == "+316******78"  # what is local is done


def test_when_twilio_cannot_be_reached_the_purge_says_so_and_fails(
    app: Flask, two_reports, twilio: FakeTwilio
) -> None:
    old, _new = two_reports
    at_twilio(twilio, old)
    twilio.failing = 503
    runner = app.test_cli_runner()
    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 1 and "NOT erased" in result.output
    sid = incident_of(app, old).recording_sid
    assert sid is not None and sid in twilio.recordings
    twilio.failing = None  # Twilio is back: the next purge finishes the job
    later = runner.invoke(args=["retention", "purge"])
    assert later.exit_code == 0 and "erased 1 recording(s) at Twilio" in later.output
    assert incident_of(app, old).recording_sid is None and sid not in twilio.recordings


def test_a_recording_twilio_no_longer_has_counts_as_gone(
    app: Flask, two_reports, twilio: FakeTwilio
) -> None:
    old, _new = two_reports  # never registered at the fake: Twilio answers 404
    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert result.exit_code == 0 and "1 already gone at Twilio" in result.output
    assert incident_of(app, old).recording_sid is None


def test_shorter_retention_from_the_command_line(
    app: Flask, two_reports, twilio: FakeTwilio
) -> None:
    _old, new = two_reports
    at_twilio(twilio, *two_reports)
    result = app.test_cli_runner().invoke(args=["retention", "purge", "--days", "3"])
    assert "erased 2 recording(s) at Twilio" in result.output
    assert incident_of(app, new).caller_number == "+491********89"


def test_full_numbers_never_reach_the_log(
    app: Flask, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    clock.set(local(2026, 12, 26, 22, 30))
    call = report(app, OLD_CALLER)
    call.hang_up()
    clock.advance(timedelta(days=1))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged  # the call was logged at all
    assert OLD_CALLER not in logged and OLD_CALLER[1:] not in logged
