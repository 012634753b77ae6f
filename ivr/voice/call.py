"""The call itself: it comes in, and Twilio tells us when it ended."""

from __future__ import annotations

import logging

from flask import Response
from twilio.twiml.voice_response import VoiceResponse

from ivr import prompts, spool
from ivr.caller_id import callable_number
from ivr.domain.call_flow import KNOWN_LANGUAGE, NEW_CALLER, Step, next_step
from ivr.domain.reference import new_reference
from ivr.privacy import caller_key, mask_number
from ivr.voice import agent_phone, bounded
from ivr.voice.blueprint import bp
from ivr.voice.context import call_sid, desk, field, go, keep, keep_and_read, now, speaker
from ivr.voice.intake import recording_has_audio
from ivr.voice.state import CallState
from ivr.voice.twiml import record_message, twiml

log = logging.getLogger(__name__)

ANSWERED_STATUSES = {"completed", "answered"}  # DialCallStatus of a `<Dial>` someone picked up


def remembered_language(number: str | None) -> str | None:
    """Keeps that the call started and, in the same statement, reads the language its caller
    chose last time (None when the database cannot say). Only a real number has a language:
    withheld callers are all different people."""
    key = caller_key(number, desk().caller_key_secret) if number else None
    facts = {"from": number, "to": field("To"), "caller_key": key}
    return keep_and_read("call_started", **facts)


@bp.post("/incoming")
def incoming() -> Response:
    number = callable_number(field("From"))
    log.info("call %s from %s", call_sid(), mask_number(number) if number else "no number")
    response = VoiceResponse()
    language = remembered_language(number)  # the call's language too, from now on
    agent = agent_phone.calling_agent(number)  # None unless AGENT_PHONE_LOGIN is on
    if agent is not None:
        lang = agent_phone.agent_language(agent, language)
        return twiml(agent_phone.agent_menu(response, agent, CallState(lang, known=bool(language))))
    languages = desk().languages
    if language and language in languages:
        st = CallState(lang=language, known=True)
        speaker(st.lang).speak(response, prompts.GREETING)
        if st.other_lang in languages:
            speaker(st.other_lang).speak(response, prompts.SWITCH_TO_THIS_LANGUAGE)
        return twiml(go(response, next_step(Step.INCOMING, KNOWN_LANGUAGE, True), st))
    st = CallState(lang=languages[0])  # the desk's first language (issue 26)
    if len(languages) == 1:  # a desk of one language asks for none: the call is in it
        key = caller_key(number, desk().caller_key_secret) if number else None
        keep("call_language", language=st.lang, caller_key=key)
        speaker(st.lang).speak(response, prompts.GREETING)
        return twiml(go(response, next_step(Step.LANGUAGE, st.lang, True), st))
    # A new caller is welcomed inside the language menu, where a key can cut it short.
    return twiml(go(response, next_step(Step.INCOMING, NEW_CALLER, True), st))


@bp.post("/status")
def status() -> Response:
    """Twilio's status callback: the call ended. Whatever the caller said is already kept."""
    keep("call_ended", status=field("CallStatus"), duration=bounded.seconds("CallDuration"))
    return twiml(VoiceResponse())


@bp.post("/safe/dialled")
def safe_dialled() -> Response:
    """The safety net's `<Dial>` ended: answered, the call is over; otherwise keep a message."""
    response = VoiceResponse()
    if field("DialCallStatus") in ANSWERED_STATUSES:
        response.hangup()
        return twiml(response)
    log.warning("fallback number did not answer call %s (%s)", call_sid(), field("DialCallStatus"))
    return twiml(record_message(response))


@bp.post("/safe/recorded")
def safe_recorded() -> Response:
    """The fallback recording's action and status callback: kept even if the database is down."""
    if not recording_has_audio():
        response = VoiceResponse()
        response.hangup()
        return twiml(response)
    event = {
        "from": callable_number(field("From")),
        "reference": new_reference(),
        "recording_sid": field("RecordingSid"),
        "recording_url": field("RecordingUrl"),
        "recording_duration": bounded.seconds("RecordingDuration"),
    }
    try:
        keep("recording", **event)
    except Exception:
        # This is the last resort: if even the recorder fails, the raw facts go to the spool.
        log.exception("fallback recording of call %s: recorder failed, spooling", call_sid())
        spool.append(
            desk().spool_dir,
            {"type": "recording", "call_sid": call_sid(), "at": now().isoformat(), **event},
        )
    response = VoiceResponse()
    response.hangup()
    return twiml(response)
