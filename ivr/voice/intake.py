"""Taking a report by voice: notice, recording, callback number, reference and pick-up time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import phonenumbers
from flask import Response
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import VoiceResponse

from ivr import prompts, spoken
from ivr.caller_id import callable_number
from ivr.db import get_session
from ivr.domain.calendar import BusinessCalendar
from ivr.domain.call_flow import DONE, GIVE_UP, MAX_ATTEMPTS, VALID, Step, next_step
from ivr.domain.changes import standard_change_due
from ivr.domain.sla import SlaClock, pickup_time
from ivr.domain.triage import Category
from ivr.services.console import find
from ivr.voice import bounded
from ivr.voice.blueprint import bp
from ivr.voice.context import (
    calendar,
    call_sid,
    desk,
    field,
    go,
    keep,
    now,
    report,
    reported,
    speaker,
    state,
)
from ivr.voice.routing import category_of
from ivr.voice.state import CallState
from ivr.voice.summary import go_on_after_recording
from ivr.voice.twiml import twiml
from ivr.voice.urls import voice_url

log = logging.getLogger(__name__)

SILENCE_ENDS_RECORDING = 8  # seconds; callers pause to think while describing a problem
NUMBER_TIMEOUT = 10
REGION = {"nl": "NL", "de": "DE"}
RECORD_PROMPTS = {
    "question": prompts.RECORD_QUESTION,
    "standard_change": prompts.RECORD_STANDARD_CHANGE,
}


@bp.post("/intake")
def intake() -> Response:
    st = report(state())
    say = speaker(st.lang)
    response = VoiceResponse()
    # GDPR: the caller hears that, why and how long they are recorded, before the beep.
    say.speak(response, prompts.RECORDING_NOTICE, days=desk().retention_days)
    say.speak(response, RECORD_PROMPTS.get(st.kind, prompts.RECORD_INCIDENT))
    response.record(
        action=voice_url("voice.recorded", **st.query()),
        method="POST",
        max_length=desk().recording_max,
        timeout=SILENCE_ENDS_RECORDING,
        finish_on_key="#",
        play_beep=True,
        trim="trim-silence",
        recording_status_callback=voice_url("voice.recording_status", **st.query()),
        recording_status_callback_method="POST",
        recording_status_callback_event="completed",
    )
    # Twilio goes on here only when nothing was recorded: the report still continues.
    say.speak(response, prompts.NOTHING_RECORDED)
    keep("call_route", route="open" if st.asap else "closed", outcome="report taken")
    return twiml(go_on_after_recording(response, st))


def _caller_number() -> str | None:
    return callable_number(field("From"))


# RecordingStatus of the status callback (twilio.com/docs/voice/twiml/record#attributes-recording-
# status-callback-parameters): only "completed" has audio; "absent" (nothing recorded) and
# "failed" have none to keep; "in-progress" is not final. The action has no RecordingStatus.
NO_AUDIO = ("absent", "failed", "in-progress")


def recording_has_audio() -> bool:
    status = field("RecordingStatus")
    if status in NO_AUDIO:
        log.info("recording of call %s not kept: %s", call_sid(), status)
        return False
    return True


def _keep_recording(st: CallState) -> None:
    if not recording_has_audio():
        return
    keep(
        "recording",
        reference=st.ref,
        recording_sid=field("RecordingSid"),
        recording_url=field("RecordingUrl"),
        recording_duration=bounded.seconds("RecordingDuration"),
    )


@bp.post("/intake/recorded")
def recorded() -> Response:
    """`<Record>`'s action: the recording ended (key, silence, length, or hang-up)."""
    st = report(state())
    _keep_recording(st)
    response = VoiceResponse()
    if field("Digits") == "hangup":
        return twiml(response)
    return twiml(go_on_after_recording(response, st))


@bp.post("/intake/recording-status")
def recording_status() -> Response:
    """Twilio's recording status callback; may come before or after the action, or alone."""
    _keep_recording(report(state()))
    return twiml(VoiceResponse())


def ask_number(response: VoiceResponse, answer_url: str, lang: str) -> VoiceResponse:
    """Ask for the number to call back (ended by #), answered at `answer_url` even when empty."""
    gather = response.gather(
        input="dtmf",
        finish_on_key="#",
        timeout=NUMBER_TIMEOUT,
        action=answer_url,
        method="POST",
        action_on_empty_result=True,
    )
    speaker(lang).speak(gather, prompts.CALLBACK_ENTER)
    return response


@bp.post("/callback-number")
def callback_number() -> Response:
    st = state()
    response = VoiceResponse()
    answer_url = voice_url("voice.callback_number_answer", **st.query())
    ask_number(response, answer_url, st.lang)
    response.redirect(answer_url)
    return twiml(response)


@bp.post("/callback-number/answer")
def callback_number_answer() -> Response:
    st = state()
    say = speaker(st.lang)
    response = VoiceResponse()
    number = valid_number(field("Digits"), st.lang)
    if number:
        keep("incident", reference=st.ref, callback_number=number)
        say.speak(response, prompts.CALLBACK_SAVED, number=spoken.phone_number(number))
        return twiml(go(response, next_step(Step.CALLBACK_NUMBER, VALID, False), st))
    failures = st.attempt + 1
    say.speak(response, prompts.CALLBACK_INVALID)
    if failures < MAX_ATTEMPTS:
        return twiml(go(response, Step.CALLBACK_NUMBER, st.but(attempt=failures)))
    return twiml(go(response, next_step(Step.CALLBACK_NUMBER, GIVE_UP, False), st))


def valid_number(digits: str, language: str) -> str | None:
    """Keyed digits as E.164, read as a number of the caller's country unless it has a prefix."""
    digits = digits.strip().rstrip("#")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    try:
        number = phonenumbers.parse(digits, REGION.get(language, "NL"))
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@bp.post("/confirm")
def confirm() -> Response:
    """The report is complete: reference, when it is picked up, the reaction target, goodbye."""
    st, stored = reported(state(), status="open")
    t = now()
    cal = calendar(t)
    tz = desk().tz
    say = speaker(st.lang)
    response = VoiceResponse()
    say.speak(response, prompts.REFERENCE, reference=spoken.digits(st.ref))
    promise = promise_for(st, cal, t, stored)
    if promise.pickup_at is None:  # closed until further notice
        say.speak(response, prompts.PICKUP_WHEN_REOPENED)
    elif promise.pickup_at <= t:  # the desk is open now
        say.speak(response, prompts.PICKUP_ASAP)
    else:
        say.speak(
            response, prompts.PICKUP_AT, when=spoken.when_phrase(promise.pickup_at, t, st.lang, tz)
        )
    if promise.change_due is not None:
        say.speak(
            response,
            prompts.CHANGE_DUE,
            when=spoken.when_phrase(promise.change_due, t, st.lang, tz),
        )
    if promise.category is not None and promise.reaction_due is not None:
        say.speak(
            response,
            prompts.REACTION_TARGET,
            duration=spoken.duration_phrase(
                desk().agreement.targets_for(Category(promise.category)).reaction, st.lang
            ),
            when=spoken.when_phrase(promise.reaction_due, t, st.lang, tz),
        )
    say.speak(response, prompts.GOODBYE)
    return twiml(go(response, next_step(Step.CONFIRM, DONE, cal.is_open(t)), st))


@dataclass(frozen=True)
class Promise:
    pickup_at: datetime | None  # None: closed until further notice
    reaction_due: datetime | None
    category: int | None
    change_due: datetime | None = None  # a standard change: carried out by then


def promise_for(st: CallState, cal: BusinessCalendar, t: datetime, row: Any = None) -> Promise:
    """What is stored with the incident (`row`, when the webhook's own write returned it);
    computed the recorder's way when it cannot be read."""
    if row is None:
        try:
            row = find(get_session(), st.ref)
        except SQLAlchemyError as exc:
            log.error("incident unreadable (%s): deadlines computed", type(exc).__name__)
    if row is not None:
        return Promise(row.pickup_at, row.reaction_due, row.category, row.change_due)
    received = st.received_at or t
    category = category_of(st)
    agreement = desk().agreement
    due = (
        SlaClock.start(cal, Category(category), received, agreement.targets)
        if category is not None
        else None
    )
    change_due = (
        standard_change_due(cal, received, agreement.standard_change_days)
        if st.kind == "standard_change"
        else None
    )
    return Promise(
        pickup_time(cal, received, t), due.reaction_due if due else None, category, change_due
    )
