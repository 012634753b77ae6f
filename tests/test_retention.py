"""GDPR: recordings and full phone numbers are kept only as long as configured, never logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from ivr import spool
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


def _bury(app: Flask, at: str, recording_sid: str | None = None, raw: str = "") -> None:
    """A dead letter as the recorder sets one aside: the event with the call's numbers."""
    if raw:
        spool.bury(app.config["SPOOL_DIR"], "unreadable", raw=raw)
        return
    event = {"type": "recording", "call_sid": f"CA{at}", "at": at, "from": OLD_CALLER}
    if recording_sid:
        event |= {
            "recording_sid": recording_sid,
            "recording_url": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/"
            f"{recording_sid}",
        }
    spool.bury(app.config["SPOOL_DIR"], "ConflictingRecording: a second recording", event)


OLD_SID, NEW_SID = "RE" + "a" * 32, "RE" + "b" * 32


def test_old_dead_letters_are_forgotten_and_their_recordings_erased(
    app: Flask, clock: FixedClock, twilio: FakeTwilio
) -> None:
    """A recording set aside as a dead letter is on no incident: only this purge erases it."""
    clock.set(local(2026, 11, 24, 10, 0))
    twilio.recordings.update({OLD_SID: {"sid": OLD_SID}, NEW_SID: {"sid": NEW_SID}})
    _bury(app, "2026-08-01T20:00:00+00:00", OLD_SID)
    _bury(app, "2026-08-02T20:00:00+00:00")  # old, nothing at Twilio
    _bury(app, "2026-11-20T21:00:00+00:00", NEW_SID)  # 4 days old: kept
    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    assert "forgot 2 dead letter(s) of the spool, erasing 1 recording(s)" in result.output
    assert deleted_at(twilio) == [OLD_SID] and NEW_SID in twilio.recordings
    left = spool.dead_letters(app.config["SPOOL_DIR"])
    assert [letter["event"]["recording_sid"] for letter in left] == [NEW_SID]
    again = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert "forgot 0 dead letter(s)" in again.output


def test_a_dead_letter_whose_recording_twilio_keeps_stays_for_the_next_purge(
    app: Flask, clock: FixedClock, twilio: FakeTwilio
) -> None:
    clock.set(local(2026, 11, 24, 10, 0))
    twilio.recordings[OLD_SID] = {"sid": OLD_SID}
    _bury(app, "2026-08-01T20:00:00+00:00", OLD_SID)
    twilio.failing = 503
    runner = app.test_cli_runner()
    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 1 and "1 dead letter(s) kept" in result.output
    assert len(spool.dead_letters(app.config["SPOOL_DIR"])) == 1
    twilio.failing = None
    later = runner.invoke(args=["retention", "purge"])
    assert later.exit_code == 0 and "forgot 1 dead letter(s)" in later.output
    assert OLD_SID not in twilio.recordings
    assert spool.dead_letters(app.config["SPOOL_DIR"]) == []


def test_an_unreadable_dead_letter_counts_by_when_it_was_set_aside(
    app: Flask, clock: FixedClock
) -> None:
    """A spool line that was not even JSON is dated by its burial: young, it stays."""
    buried = datetime.now(UTC)  # a burial is dated by the wall clock, not the app's
    _bury(app, "", raw='{"type": "recording", "from": "+31612345678", ')
    clock.set(buried + timedelta(days=89))  # RETENTION_DAYS=90
    app.test_cli_runner().invoke(args=["retention", "purge"])
    assert len(spool.dead_letters(app.config["SPOOL_DIR"])) == 1
    clock.set(buried + timedelta(days=91))
    app.test_cli_runner().invoke(args=["retention", "purge"])
    assert spool.dead_letters(app.config["SPOOL_DIR"]) == []
