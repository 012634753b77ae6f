"""In opening hours: the caller queues when an agent who speaks their language is on duty."""

from __future__ import annotations

import logging

from flask import Response
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import VoiceResponse

from ivr import prompts
from ivr.db import get_session
from ivr.domain.call_flow import NOT_ANSWERED, Step, next_step
from ivr.domain.triage import Impact, Severity
from ivr.models import Agent
from ivr.services import queue
from ivr.services.agents import on_duty_for
from ivr.voice.blueprint import bp
from ivr.voice.context import (
    calendar,
    call_sid,
    desk,
    field,
    go,
    keep,
    now,
    queue_database,
    queue_settings,
    report,
    speaker,
    state,
    twilio,
)
from ivr.voice.state import CallState
from ivr.voice.twiml import dial_caller_id, twiml
from ivr.voice.urls import voice_url

log = logging.getLogger(__name__)

ANSWERED_STATUSES = {"completed", "answered"}


def category_of(st: CallState) -> int | None:
    if st.impact and st.severity:
        return int(desk().agreement.categorise(Impact(st.impact), Severity(st.severity)))
    return None


def _agents(language: str) -> list[Agent] | None:
    """The desk's agents on duty who speak `language`; None when the database cannot say."""
    try:
        return on_duty_for(get_session(), language, desk().key)
    except SQLAlchemyError as exc:
        log.error("agents unavailable (%s)", type(exc).__name__)
        return None


@bp.post("/route")
def route() -> Response:
    """In hours: wait in the queue for an agent who speaks the language, or leave a report."""
    st = report(state())
    t = now()
    response = VoiceResponse()
    if not calendar(t).is_open(t):  # the desk closed while the caller was in the menus
        return twiml(go(response, Step.INTAKE, st))
    say = speaker(st.lang)
    agents = _agents(st.lang)
    if agents is None:
        return twiml(_database_down(response, st))
    if agents and not twilio().configured:  # offers cannot be placed: nobody could serve a queue
        log.error("TWILIO_ACCOUNT_SID is not set: callers cannot be queued for agents")
        return twiml(_database_down(response, st))
    if not agents:
        keep("call_route", route="open", outcome="no agent on duty")
        say.speak(response, prompts.NOBODY_ON_DUTY)  # nobody was rung: nobody is "busy"
        say.speak(response, prompts.LEAVE_REPORT_ASAP)
        return twiml(go(response, next_step(Step.ROUTE, NOT_ANSWERED, True), st.but(asap=True)))
    return twiml(_queue(response, st))


def _queue(response: VoiceResponse, st: CallState) -> VoiceResponse:
    say = speaker(st.lang)
    caller = queue.Caller(
        call_sid=call_sid(),
        language=st.lang,
        kind=st.kind or "incident",
        category=category_of(st),
        impact=st.impact or None,
        severity=st.severity or None,
        reference=st.ref or None,
        desk=desk().key,
    )
    try:
        joined = queue.join(
            queue_database(), caller, now(), queue_settings().max_length, pending=True
        )
    except SQLAlchemyError as exc:
        log.error("queue unavailable (%s)", type(exc).__name__)
        return _database_down(response, st)
    if not joined:
        keep("call_route", route="open", outcome="queue full")
        say.speak(response, prompts.QUEUE_FULL)
        say.speak(response, prompts.LEAVE_REPORT_ASAP)
        return go(response, next_step(Step.ROUTE, NOT_ANSWERED, True), st.but(asap=True))
    keep("call_route", route="open", outcome="queued")
    # No dispatch here: agents are rung from the first waitUrl request (voice.queue_wait).
    say.speak(response, prompts.CONNECTING)
    response.enqueue(
        call_sid(),  # one Twilio queue per caller: an agent's <Dial><Queue> reaches exactly them
        action=voice_url("voice.queue_left", **st.query()),
        method="POST",
        wait_url=voice_url("voice.queue_wait", **st.query()),
        wait_url_method="POST",
    )
    return response


def dial_fallback(response: VoiceResponse, st: CallState) -> None:
    """FALLBACK_NUMBER with the line's caller ID; unanswered, route_result takes the report."""
    speaker(st.lang).speak(response, prompts.CONNECTING)
    response.dial(
        desk().fallback_number,
        timeout=desk().dial_timeout,
        action=voice_url("voice.route_result", **st.query()),
        method="POST",
        caller_id=dial_caller_id(),
    )


def _database_down(response: VoiceResponse, st: CallState) -> VoiceResponse:
    """Nobody can be queued (no database, or no Twilio account): FALLBACK_NUMBER, or a report."""
    if desk().fallback_number:
        dial_fallback(response, st)
        keep("call_route", route="open", outcome="fallback number")
        return response
    speaker(st.lang).speak(response, prompts.LEAVE_REPORT_ASAP)
    return go(response, next_step(Step.ROUTE, NOT_ANSWERED, True), st.but(asap=True))


@bp.post("/route/result")
def route_result() -> Response:
    """The `<Dial>` to `FALLBACK_NUMBER` ended: the call is over, or nobody answered."""
    st = state()
    response = VoiceResponse()
    dial_status = field("DialCallStatus")
    if dial_status in ANSWERED_STATUSES:
        response.hangup()
        return twiml(response)
    log.info("fallback number did not answer call %s (%s)", call_sid(), dial_status or "-")
    keep("call_route", outcome="no agent answered")
    say = speaker(st.lang)
    say.speak(response, prompts.NOBODY_ANSWERED)  # rung, and nobody picked up
    say.speak(response, prompts.LEAVE_REPORT_ASAP)
    return twiml(go(response, next_step(Step.ROUTE, NOT_ANSWERED, True), st.but(asap=True)))
