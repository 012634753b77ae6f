"""Status by phone: a caller keys in a reference and hears how it stands.

The reporter (calling from the number that reported it, or the callback number) hears the state,
the last status update and when the next one is due. Anyone else may key in the last four digits
of the callback number to hear the same; otherwise they hear only that the reference exists and
is being handled. A wrong or unknown reference gets two more tries.
"""

from __future__ import annotations

import logging

from flask import Response, request
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import VoiceResponse

from ivr import prompts, spoken
from ivr.caller_id import callable_number
from ivr.db import get_session
from ivr.domain.call_flow import (
    DONE,
    GIVE_UP,
    MAX_ATTEMPTS,
    REPORTER,
    SOMEONE_ELSE,
    Step,
    next_step,
)
from ivr.domain.reference import is_valid_reference
from ivr.models import Incident
from ivr.services import history
from ivr.services.console import find
from ivr.voice.blueprint import bp
from ivr.voice.context import calendar, desk, field, go, keep, now, speaker, state, step_url
from ivr.voice.state import CallState
from ivr.voice.twiml import twiml
from ivr.voice.urls import voice_url

log = logging.getLogger(__name__)

KEY_TIMEOUT = 10
STATES = {
    "partial": prompts.STATUS_RECEIVED,
    "open": prompts.STATUS_RECEIVED,
    "acknowledged": prompts.STATUS_IN_HAND,
    "resolved": prompts.STATUS_RESOLVED,
}


class Unavailable(Exception):
    """The incidents cannot be read (the database is down): not the same as "no such reference"."""


def _incident(reference: str) -> Incident | None:
    if not is_valid_reference(reference):
        return None
    try:
        return find(get_session(), reference)
    except SQLAlchemyError as exc:
        log.error("status by phone: incidents unavailable (%s)", type(exc).__name__)
        raise Unavailable from exc


def _gather(response: VoiceResponse, action: str, digits: int) -> object:
    return response.gather(
        input="dtmf",
        num_digits=digits,
        finish_on_key="#",
        timeout=KEY_TIMEOUT,
        action=action,
        method="POST",
        action_on_empty_result=True,
    )


@bp.post("/status-reference")
def status_reference() -> Response:
    st = state()
    response = VoiceResponse()
    answer_url = voice_url("voice.status_reference_answer", **st.query())
    speaker(st.lang).speak(_gather(response, answer_url, 8), prompts.STATUS_ENTER)
    response.redirect(answer_url)
    return twiml(response)


@bp.post("/status-reference/answer")
def status_reference_answer() -> Response:
    st = state()
    say = speaker(st.lang)
    response = VoiceResponse()
    reference = field("Digits").strip().rstrip("#")
    try:
        incident = _incident(reference)
    except Unavailable:  # said as it is, and on to the menu (an agent, a report)
        say.speak(response, prompts.STATUS_UNAVAILABLE)
        t = now()
        target = next_step(Step.STATUS, GIVE_UP, calendar(t).is_open(t))
        return twiml(go(response, target, st.but(attempt=0)))
    if incident is None:
        failures = st.attempt + 1
        say.speak(response, prompts.STATUS_UNKNOWN)
        if failures < MAX_ATTEMPTS:
            return twiml(go(response, Step.STATUS, st.but(attempt=failures)))
        t = now()
        target = next_step(Step.STATUS, GIVE_UP, calendar(t).is_open(t))
        return twiml(go(response, target, st.but(attempt=0)))
    keep("call_route", outcome="status asked")
    caller = callable_number(field("From"))
    if caller and caller in (incident.caller_number, incident.callback_number):
        _details(response, incident, st)
        return twiml(go(response, next_step(Step.STATUS, REPORTER, True), st))
    target = next_step(Step.STATUS, SOMEONE_ELSE, True)
    response.redirect(step_url(target, st.but(attempt=0), ask=incident.reference))
    return twiml(response)


@bp.post("/status-check")
def status_check() -> Response:
    st = state()
    response = VoiceResponse()
    reference = request.args.get("ask", "")
    answer_url = voice_url("voice.status_check_answer", ask=reference, **st.query())
    speaker(st.lang).speak(_gather(response, answer_url, 4), prompts.STATUS_LAST_FOUR)
    response.redirect(answer_url)
    return twiml(response)


@bp.post("/status-check/answer")
def status_check_answer() -> Response:
    st = state()
    response = VoiceResponse()
    try:
        incident = _incident(request.args.get("ask", ""))
    except Unavailable:
        speaker(st.lang).speak(response, prompts.STATUS_UNAVAILABLE)
        speaker(st.lang).speak(response, prompts.GOODBYE)
        incident = None
    if incident is not None:
        digits = field("Digits").strip().rstrip("#")
        number = incident.callback_number or ""
        # Masked numbers (after the retention period) end in "**": nobody can match them.
        matches = len(digits) == 4 and number[-4:] == digits and digits.isdigit()
        if _check_passes(incident, matches):
            _details(response, incident, st)
        else:
            reference = spoken.digits(incident.reference)
            speaker(st.lang).speak(response, prompts.STATUS_EXISTS, reference=reference)
            speaker(st.lang).speak(response, prompts.GOODBYE)
    return twiml(go(response, next_step(Step.STATUS_CHECK, DONE, True), st))


def _check_passes(incident: Incident, digits_match: bool) -> bool:
    """The digits match and the reference is not being guessed at (ivr/services/history.py)."""
    try:
        return history.status_check_passes(get_session(), incident, digits_match, now())
    except SQLAlchemyError as exc:  # unsure who this is: the details wait for another call
        log.error("status by phone: tries unavailable (%s)", type(exc).__name__)
        return False


def _details(response: VoiceResponse, incident: Incident, st: CallState) -> None:
    """The state, the last update in the voice of its language, and when the next is due."""
    say = speaker(st.lang)
    t, tz = now(), desk().tz
    say.speak(
        response,
        STATES.get(incident.status, prompts.STATUS_RECEIVED),
        reference=spoken.digits(incident.reference),
    )
    updates = [e for e in incident.history if e.kind == "update" and e.text]
    if updates:
        last = updates[-1]
        say.speak(
            response, prompts.STATUS_LAST_UPDATE, when=spoken.when_phrase(last.at, t, st.lang, tz)
        )
        language = last.language if last.language in ("nl", "de") else st.lang
        speaker(language).say_text(response, last.text or "")
    else:
        say.speak(response, prompts.STATUS_NO_UPDATE)
    if incident.status != "resolved" and incident.status_report_due is not None:
        when = spoken.when_phrase(max(incident.status_report_due, t), t, st.lang, tz)
        say.speak(response, prompts.STATUS_NEXT, when=when)
    say.speak(response, prompts.GOODBYE)
