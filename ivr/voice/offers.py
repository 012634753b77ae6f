"""The agent's side of an offer: the screened whisper, the answer, the bridge, the call's end.

The line calls the agent (ivr/services/dispatch.py); when the phone is answered Twilio fetches
`/voice/offer`. The whisper is inside a `<Gather>`: only the key 1 takes the call. Silence (a
voicemail greeting talks but presses nothing), another key, or hanging up is a decline.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import Dial, VoiceResponse

from ivr import prompts, spoken
from ivr.domain.text_input import whole_number
from ivr.services import offers, softphone
from ivr.services.desk import Desk
from ivr.voice.blueprint import bp
from ivr.voice.context import (
    desks,
    field,
    now,
    queue_database,
    queue_settings,
    run_dispatch,
    speaker,
)
from ivr.voice.speaker import Speaker, TwimlParent
from ivr.voice.twiml import twiml
from ivr.voice.urls import voice_url

log = logging.getLogger(__name__)

BROWSER = "client:"  # a Twilio Client identity: the console's softphone (issue 27)
SCREEN_TIMEOUT = 6  # seconds after the whisper for the key 1
BRIDGE_TIMEOUT = 10  # the caller's queue should hold them already; if not, they are gone
TERMINAL = ("completed", "busy", "no-answer", "failed", "canceled")
LANGUAGE_NAMES = {"nl": prompts.LANGUAGE_NAME_NL, "de": prompts.LANGUAGE_NAME_DE}
IMPACTS = {
    "all_users": prompts.WHISPER_IMPACT_ALL,
    "some_users": prompts.WHISPER_IMPACT_SOME,
    "one_user": prompts.WHISPER_IMPACT_ONE,
}
SEVERITIES = {
    "cannot_work": prompts.WHISPER_SEVERITY_CANNOT_WORK,
    "functions_fail": prompts.WHISPER_SEVERITY_FUNCTIONS_FAIL,
    "cumbersome": prompts.WHISPER_SEVERITY_CUMBERSOME,
}


def _offer_id() -> int | None:
    return whole_number(request.args.get("offer", ""), 11)


def _view(offer_id: int | None) -> offers.OfferView | None:
    if offer_id is None:
        return None
    try:
        with queue_database().sessions() as session:
            return offers.view(session, offer_id)
    except SQLAlchemyError as exc:
        log.error("offer %s unavailable (%s)", offer_id, type(exc).__name__)
        return None


def _desk(offer: offers.OfferView | None) -> Desk:
    """The offer's desk: its caller's (the queue entry's), whatever number the call is on."""
    found = desks()
    return (found.get(offer.desk) if offer is not None else None) or found.first


def _agent_speaker(offer: offers.OfferView | None) -> Speaker:
    languages = offer.agent_languages if offer else []
    return speaker(languages[0] if languages else "nl")


def _gone(offer: offers.OfferView | None) -> Response:
    response = VoiceResponse()
    _agent_speaker(offer).speak(response, prompts.OFFER_GONE)
    response.hangup()
    return twiml(response)


@bp.post("/offer")
def offer() -> Response:
    """The agent's phone was answered (by the agent, or by a voicemail)."""
    offer_id = _offer_id()
    current = _view(offer_id)
    if current is None or not current.live:
        if offer_id is not None and current is not None:
            _withdraw(offer_id)  # the caller left while the phone rang: the agent is free again
        return _gone(current)
    if current.agent_address.startswith(BROWSER) and softphone.configured(current_app.config):
        # Issue 27: a browser agent answered with the softphone's Accept button, which is the
        # screening (a browser has no voicemail); the screen pop told them who is calling.
        return _answer(offer_id, offers.ACCEPT_KEY)
    say = _agent_speaker(current)
    response = VoiceResponse()
    gather = response.gather(
        input="dtmf",
        num_digits=1,
        timeout=SCREEN_TIMEOUT,
        action=voice_url("voice.offer_answer", offer=offer_id),
        method="POST",
        action_on_empty_result=True,
    )
    _whisper(gather, say, current)
    say.speak(gather, prompts.OFFER_PRESS_ONE)
    return twiml(response)


def _withdraw(offer_id: int) -> None:
    try:
        offers.screened(queue_database(), desks(), offer_id, "", now())
    except SQLAlchemyError as exc:
        log.error(
            "offer %s not withdrawn (%s); the sweeper repairs it", offer_id, type(exc).__name__
        )
    run_dispatch()


def _whisper(parent: TwimlParent, say: Speaker, o: offers.OfferView) -> None:
    language = say.text(LANGUAGE_NAMES.get(o.language, prompts.LANGUAGE_NAME_NL))
    reference = spoken.digits(o.reference) if o.reference else "-"
    if len(desks()) > 1:  # an agent of several desks hears whose caller this is
        say.speak(parent, prompts.WHISPER_DESK, name=_desk(o).name)
    if o.mode == "callback":
        say.speak(parent, prompts.WHISPER_CALLBACK)
    if o.kind == "question":
        say.speak(parent, prompts.WHISPER_QUESTION, language=language, reference=reference)
    elif o.kind == "standard_change":
        say.speak(parent, prompts.WHISPER_STANDARD_CHANGE, language=language, reference=reference)
        if o.change_due is not None:  # what the caller was told: the agent can repeat it
            when = spoken.when_phrase(o.change_due, now(), say.locale, _desk(o).tz)
            say.speak(parent, prompts.WHISPER_CHANGE_DUE, when=when)
    elif o.category is None:
        say.speak(parent, prompts.WHISPER_UNCLASSIFIED, language=language, reference=reference)
    else:
        say.speak(
            parent,
            prompts.WHISPER_INCIDENT,
            language=language,
            category=o.category,
            reference=reference,
        )
    if o.impact in IMPACTS and o.severity in SEVERITIES:
        say.speak(
            parent,
            prompts.WHISPER_CHOSE,
            impact=say.text(IMPACTS[o.impact]),
            severity=say.text(SEVERITIES[o.severity]),
        )
    if whispered(o.summary, o.summary_confidence):
        say.speak(parent, prompts.WHISPER_SUMMARY, summary=o.summary)


def whispered(summary: str | None, confidence: float | None) -> bool:
    """Only a short sentence heard with confidence: a doubtful one is for the work list."""
    config = current_app.config
    return (
        bool(summary)
        and len((summary or "").split()) <= config["WHISPER_SUMMARY_WORDS"]
        and confidence is not None
        and confidence >= config["WHISPER_SUMMARY_CONFIDENCE"]
    )


@bp.post("/offer/answer")
def offer_answer() -> Response:
    """The whisper's `<Gather>` ended: 1 takes the call; anything else, or nothing, declines."""
    offer_id = _offer_id()
    if offer_id is None:
        return _gone(None)
    return _answer(offer_id, field("Digits"))


def _answer(offer_id: int, digits: str) -> Response:
    """The agent's answer to the offer: `digits` 1 takes the call; bridge them, or decline."""
    try:
        result = offers.screened(queue_database(), desks(), offer_id, digits, now())
    except SQLAlchemyError as exc:
        log.error("offer %s not screened (%s)", offer_id, type(exc).__name__)
        result = None
    if result is None or result.offer_status != "accepted":
        run_dispatch()  # the caller waits again: the next free agent gets the offer
        if result is not None and result.offer_status == "declined":
            response = VoiceResponse()
            _agent_speaker(result).speak(response, prompts.OFFER_DECLINED)
            response.hangup()
            return twiml(response)
        return _gone(result)
    response = VoiceResponse()
    if result.mode == "callback" and result.callback_number:
        _agent_speaker(result).speak(response, prompts.CALLBACK_DIALLING)
        called_for = _desk(result)
        # The caller sees the number of the desk they called (its first), else TWILIO_NUMBER.
        numbers = called_for.numbers or (current_app.config["TWILIO_NUMBER"],)
        dial = Dial(
            action=voice_url("voice.offer_called_back", offer=offer_id),
            method="POST",
            caller_id=numbers[0] or None,
            timeout=called_for.dial_timeout,
        )
        greeting = voice_url(
            "voice.callback_greeting",
            lang=result.language,
            ref=result.reference or "",
            offer=offer_id,
        )
        # The caller's leg is screened (voice.callback_greeting): Twilio's answering-machine
        # detection sends AnsweredBy with the url's request, and the caller presses 1
        # (twilio.com/docs/voice/answering-machine-detection, twilio.com/docs/voice/twiml/number).
        dial.number(result.callback_number, url=greeting, method="POST", machine_detection="Enable")
    else:
        dial = Dial(
            action=voice_url("voice.offer_bridged", offer=offer_id),
            method="POST",
            timeout=BRIDGE_TIMEOUT,
        )
        # The caller's own queue: exactly this caller. Its url runs on the caller's leg as they
        # are dequeued: the real bridge (voice.queue_bridge).
        dial.queue(result.call_sid, url=voice_url("voice.queue_bridge"), method="POST")
    response.append(dial)
    return twiml(response)


@bp.post("/offer/bridged")
def offer_bridged() -> Response:
    """The agent's `<Dial><Queue>` ended: the conversation is over, or the caller was gone."""
    response = VoiceResponse()
    if field("DialCallStatus") not in ("completed", "answered"):
        _agent_speaker(_view(_offer_id())).speak(response, prompts.OFFER_GONE)
    response.hangup()
    return twiml(response)


@bp.post("/offer/called-back")
def offer_called_back() -> Response:
    """The agent's `<Dial>` to a callback caller ended."""
    offer_id = _offer_id()
    response = VoiceResponse()
    if offer_id is not None:
        settings = queue_settings()
        try:
            result = offers.callback_result(
                queue_database(),
                desks(),
                offer_id,
                field("DialCallStatus"),
                attempts=settings.callback_attempts,
                retry_after=timedelta(seconds=settings.callback_retry_seconds),
                now=now(),
            )
        except SQLAlchemyError as exc:
            log.error("callback result of offer %s lost (%s)", offer_id, type(exc).__name__)
            result = offers.CallbackResult("again")
        if result.outcome != "reached":
            current = _view(offer_id)
            say = _agent_speaker(current)
            if result.outcome == "report":
                say.speak(response, prompts.CALLBACK_GIVEN_UP)
            elif result.retry_at is not None:
                at = spoken.time_phrase(result.retry_at, say.locale, _desk(current).tz)
                say.speak(response, prompts.CALLBACK_RETRY_AT, time=at)
            else:
                say.speak(response, prompts.CALLBACK_NOT_REACHED)
    response.hangup()
    return twiml(response)


@bp.post("/offer/status")
def offer_status() -> Response:
    """Twilio's status callback for the agent's call: its progress, and how it ended."""
    offer_id = _offer_id()
    status = field("CallStatus")
    if offer_id is not None and status in TERMINAL:
        try:
            offers.call_ended(queue_database(), desks(), offer_id, status, now())
        except SQLAlchemyError as exc:
            log.error(
                "offer %s end not kept (%s); the sweeper repairs it", offer_id, type(exc).__name__
            )
        run_dispatch()  # the agent is free (or away), or the caller waits again
    return twiml(VoiceResponse())
