"""The call itself: it comes in, and Twilio tells us when it ended."""

from __future__ import annotations

import logging

from flask import Response
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import VoiceResponse

from ivr import spool
from ivr.db import get_session
from ivr.domain.call_flow import KNOWN_LANGUAGE, NEW_CALLER, Step, next_step
from ivr.domain.reference import new_reference
from ivr.models import CallerLanguage
from ivr.privacy import caller_key, mask_number
from ivr.voice import prompts
from ivr.voice.blueprint import bp
from ivr.voice.context import call_sid, desk, field, go, keep, now, speaker
from ivr.voice.state import CallState
from ivr.voice.twiml import twiml

log = logging.getLogger(__name__)


def remembered_language(number: str) -> str | None:
    if not number:
        return None
    key = caller_key(number, desk().caller_key_secret)
    try:
        return get_session().scalar(
            select(CallerLanguage.language).where(CallerLanguage.caller_key == key)
        )
    except SQLAlchemyError as exc:
        log.error("remembered language unavailable (%s)", type(exc).__name__)
        return None


@bp.post("/incoming")
def incoming() -> Response:
    number = field("From")
    log.info("call %s from %s", call_sid(), mask_number(number))
    keep("call_started", **{"from": number, "to": field("To")})
    response = VoiceResponse()
    language = remembered_language(number)
    if language:
        st = CallState(lang=language)
        speaker(st.lang).speak(response, prompts.GREETING)
        speaker(st.other_lang).speak(response, prompts.SWITCH_TO_THIS_LANGUAGE)
        keep("call_language", language=language)
        return twiml(go(response, next_step(Step.INCOMING, KNOWN_LANGUAGE, True), st))
    for locale in ("nl", "de"):
        speaker(locale).speak(response, prompts.GREETING)
    return twiml(go(response, next_step(Step.INCOMING, NEW_CALLER, True), CallState()))


@bp.post("/status")
def status() -> Response:
    """Twilio's status callback: the call ended. Whatever the caller said is already kept."""
    keep("call_ended", status=field("CallStatus"), duration=_int(field("CallDuration")))
    return twiml(VoiceResponse())


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@bp.post("/safe/recorded")
def safe_recorded() -> Response:
    """The fallback recording's action and status callback: kept even if the database is down."""
    event = {
        "from": field("From"),
        "reference": new_reference(),
        "recording_sid": field("RecordingSid"),
        "recording_url": field("RecordingUrl"),
        "recording_duration": _int(field("RecordingDuration")),
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
