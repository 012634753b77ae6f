"""A waiting caller chose a callback: confirm or key in the number, keep the place, hang up.

And the other end: when the agent has taken the callback, the caller hears who is calling
before being put through.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Response, request
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import VoiceResponse

from ivr import prompts, spoken
from ivr.caller_id import callable_number
from ivr.domain import queueing
from ivr.domain.call_flow import DONE, GIVE_UP, MAX_ATTEMPTS, Step, next_step
from ivr.domain.text_input import whole_number
from ivr.services import offers, queue
from ivr.voice.blueprint import bp
from ivr.voice.context import (
    call_sid,
    field,
    go,
    keep,
    now,
    queue_database,
    queue_settings,
    speaker,
    state,
)
from ivr.voice.intake import NUMBER_TIMEOUT, ask_number, valid_number
from ivr.voice.state import CallState
from ivr.voice.twiml import twiml
from ivr.voice.urls import voice_url

log = logging.getLogger(__name__)


@bp.post("/queue/callback")
def queue_callback() -> Response:
    st = state()
    response = VoiceResponse()
    caller_id = callable_number(field("From"))
    if not caller_id:  # withheld: there is nothing to confirm
        return twiml(_ask_number(response, st))
    gather = response.gather(
        input="dtmf",
        num_digits=1,
        timeout=NUMBER_TIMEOUT,
        action=voice_url("voice.queue_callback_answer", **st.query()),
        method="POST",
        action_on_empty_result=True,
    )
    say = speaker(st.lang)
    say.speak(gather, prompts.CALLBACK_CONFIRM, number=spoken.phone_number(caller_id))
    say.speak(gather, prompts.CALLBACK_KEEP)
    say.speak(gather, prompts.CALLBACK_OTHER)
    return twiml(response)


@bp.post("/queue/callback/answer")
def queue_callback_answer() -> Response:
    st = state()
    response = VoiceResponse()
    digits = field("Digits")
    caller_id = callable_number(field("From"))
    if digits == "2" or not caller_id:
        return twiml(_ask_number(response, st))
    if digits == "1" or st.attempt + 1 >= MAX_ATTEMPTS:  # silence: the caller ID is the safest
        return twiml(_keep_place(response, st, caller_id))
    speaker(st.lang).speak(response, prompts.INVALID_CHOICE)
    response.redirect(voice_url("voice.queue_callback", **st.but(attempt=st.attempt + 1).query()))
    return twiml(response)


def _ask_number(response: VoiceResponse, st: CallState) -> VoiceResponse:
    return ask_number(response, voice_url("voice.queue_callback_number", **st.query()), st.lang)


@bp.post("/queue/callback/number")
def queue_callback_number() -> Response:
    st = state()
    response = VoiceResponse()
    number = valid_number(field("Digits"), st.lang)
    if number:
        return twiml(_keep_place(response, st, number))
    speaker(st.lang).speak(response, prompts.CALLBACK_INVALID)
    if st.attempt + 1 < MAX_ATTEMPTS:
        return twiml(_ask_number(response, st.but(attempt=st.attempt + 1)))
    return twiml(go(response, next_step(Step.QUEUE_CALLBACK, GIVE_UP, True), st.but(asap=True)))


def _keep_place(response: VoiceResponse, st: CallState, number: str) -> VoiceResponse:
    say = speaker(st.lang)
    database = queue_database()
    try:
        kept = queue.keep_place_for_callback(database, call_sid(), number, now())
        info = queue.wait_info(database, queue_settings(), call_sid(), now()) if kept else None
    except SQLAlchemyError as exc:
        log.error("callback not kept (%s)", type(exc).__name__)
        kept, info = False, None
    if not kept:  # the place could not be kept: the caller leaves a report instead
        say.speak(response, prompts.LEAVE_REPORT_ASAP)
        return go(response, next_step(Step.QUEUE_CALLBACK, GIVE_UP, True), st.but(asap=True))
    keep("incident", reference=st.ref, callback_number=number)
    keep("call_route", outcome="callback requested")
    spoken_number = spoken.phone_number(number)
    if info is not None and info.expected is not None:
        minutes = timedelta(minutes=queueing.spoken_minutes(info.expected))
        say.speak(
            response,
            prompts.CALLBACK_KEPT,
            duration=spoken.duration_phrase(minutes, st.lang),
            number=spoken_number,
        )
    else:
        say.speak(response, prompts.CALLBACK_KEPT_NO_ESTIMATE, number=spoken_number)
    return go(response, next_step(Step.QUEUE_CALLBACK, DONE, True), st)


# AnsweredBy values that are not a person (twilio.com/docs/voice/answering-machine-detection).
MACHINE = ("machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax")
SCREEN_TIMEOUT = 8  # seconds for the key 1 after the question


@bp.post("/callback/greeting")
def callback_greeting() -> Response:
    """Played to the caller who is called back, before the agent is put through: a person
    presses 1; a voicemail (detected, or silent) is hung up on and counts as not reached."""
    st = state()
    response = VoiceResponse()
    answered_by = field("AnsweredBy")
    if answered_by in MACHINE:
        log.info("callback answered by %s: not reached", answered_by)
        response.hangup()
        return twiml(response)
    # "human", "unknown" (detection undecided) or none: the key decides.
    say = speaker(st.lang)
    reference = spoken.digits(st.ref) if st.ref else "-"
    offer = request.args.get("offer", "")
    gather = response.gather(
        input="dtmf",
        num_digits=1,
        timeout=SCREEN_TIMEOUT,
        action=voice_url("voice.callback_screened", offer=offer, **st.query()),
        method="POST",
        action_on_empty_result=True,
    )
    say.speak(gather, prompts.CALLBACK_SCREEN, reference=reference)
    say.speak(gather, prompts.CALLBACK_PRESS_ONE)
    response.hangup()  # only if the Gather is skipped: a callee who cannot press is not reached
    return twiml(response)


@bp.post("/callback/screened")
def callback_screened() -> Response:
    """The called caller's key: 1 is a person, put through; anything else is not reached."""
    st = state()
    response = VoiceResponse()
    offer = whole_number(request.args.get("offer", ""), 11)
    if field("Digits") != "1" or offer is None:
        response.hangup()
        return twiml(response)
    try:
        offers.callee_confirmed(queue_database(), offer, now())
    except SQLAlchemyError as exc:
        log.error("callback confirmation of offer %s lost (%s)", offer, type(exc).__name__)
    speaker(st.lang).speak(response, prompts.CONNECTING)
    return twiml(response)  # the url's TwiML ends: Twilio bridges the two
