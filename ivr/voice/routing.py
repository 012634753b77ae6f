"""In opening hours: ring on-duty agents who speak the caller's language, with a whisper first."""

from __future__ import annotations

import logging

from flask import Response, request, url_for
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import Dial, VoiceResponse

from ivr import spoken
from ivr.db import get_session
from ivr.domain.call_flow import ANSWERED, NOT_ANSWERED, Step, next_step
from ivr.domain.triage import Impact, Severity, categorise
from ivr.models import Agent
from ivr.services.agents import on_duty_for
from ivr.voice import prompts
from ivr.voice.blueprint import bp
from ivr.voice.context import calendar, desk, field, go, keep, now, report, speaker, state
from ivr.voice.state import CallState
from ivr.voice.twiml import dial_caller_id, twiml

log = logging.getLogger(__name__)

ANSWERED_STATUSES = {"completed", "answered"}
LANGUAGE_NAMES = {"nl": prompts.LANGUAGE_NAME_NL, "de": prompts.LANGUAGE_NAME_DE}


def category_of(st: CallState) -> int | None:
    if st.impact and st.severity:
        return int(categorise(Impact(st.impact), Severity(st.severity)))
    return None


def _agents(language: str) -> list[Agent] | None:
    """None when the database cannot say who is on duty."""
    try:
        return on_duty_for(get_session(), language)
    except SQLAlchemyError as exc:
        log.error("agents unavailable (%s)", type(exc).__name__)
        return None


@bp.post("/route")
def route() -> Response:
    st = report(state())
    t = now()
    response = VoiceResponse()
    if not calendar(t).is_open(t):  # the desk closed while the caller was in the menus
        return twiml(go(response, Step.INTAKE, st))
    say = speaker(st.lang)
    agents = _agents(st.lang)
    if agents is None and desk().fallback_number:
        say.speak(response, prompts.CONNECTING)
        response.dial(  # unanswered, route_result takes the report
            desk().fallback_number,
            timeout=desk().dial_timeout,
            action=url_for("voice.route_result", **st.query()),
            method="POST",
            caller_id=dial_caller_id(),
        )
        keep("call_route", route="open", outcome="fallback number")
        return twiml(response)
    if not agents:
        keep("call_route", route="open", outcome="no agent on duty")
        say.speak(response, prompts.NOBODY_ON_DUTY)  # nobody was rung: nobody is "busy"
        say.speak(response, prompts.LEAVE_REPORT_ASAP)
        return twiml(go(response, next_step(Step.ROUTE, NOT_ANSWERED, True), st.but(asap=True)))
    say.speak(response, prompts.CONNECTING)
    dial = Dial(
        timeout=desk().dial_timeout,
        action=url_for("voice.route_result", **st.query()),
        method="POST",
        caller_id=dial_caller_id(),
    )
    for agent in agents:
        _ring(dial, agent, st)
    response.append(dial)
    keep("call_route", route="open", outcome="ringing agents")
    return twiml(response)


def _ring(dial: Dial, agent: Agent, st: CallState) -> None:
    whisper = url_for("voice.whisper", agent=agent.id, call=field("CallSid"), **st.query())
    if agent.address.startswith("sip:"):
        dial.sip(agent.address, url=whisper, method="POST")
    elif agent.address.startswith("client:"):
        dial.client(agent.address.removeprefix("client:"), url=whisper, method="POST")
    else:
        dial.number(agent.address, url=whisper, method="POST")


@bp.post("/route/result")
def route_result() -> Response:
    """The `<Dial>` ended: the agent's call is over, or nobody answered."""
    st = state()
    response = VoiceResponse()
    dial_status = field("DialCallStatus")
    if dial_status in ANSWERED_STATUSES:
        return twiml(go(response, next_step(Step.ROUTE, ANSWERED, True), st))
    log.info("no agent answered call %s (%s)", field("CallSid"), dial_status or "no status")
    keep("call_route", outcome="no agent answered")
    say = speaker(st.lang)
    say.speak(response, prompts.NOBODY_ANSWERED)  # rung, and nobody picked up
    say.speak(response, prompts.LEAVE_REPORT_ASAP)
    return twiml(go(response, next_step(Step.ROUTE, NOT_ANSWERED, True), st.but(asap=True)))


@bp.post("/whisper")
def whisper() -> Response:
    """Heard by the agent who picked up, before the caller is put through."""
    st = state()
    agent = _agent(request.args.get("agent", ""))
    agent_language = agent.language_list[0] if agent and agent.language_list else "nl"
    say = speaker(agent_language)
    language = say.text(LANGUAGE_NAMES[st.lang])
    reference = spoken.digits(st.ref) if st.ref else "-"
    category = category_of(st)
    response = VoiceResponse()
    if st.kind == "question":
        say.speak(response, prompts.WHISPER_QUESTION, language=language, reference=reference)
    elif st.kind == "standard_change":
        say.speak(response, prompts.WHISPER_STANDARD_CHANGE, language=language, reference=reference)
    elif category is None:
        say.speak(response, prompts.WHISPER_UNCLASSIFIED, language=language, reference=reference)
    else:
        say.speak(
            response,
            prompts.WHISPER_INCIDENT,
            language=language,
            category=category,
            reference=reference,
        )
    # This request belongs to the agent's leg; the report belongs to the caller's call.
    caller_call = request.args.get("call", "")[:64]
    if caller_call and st.ref:
        keep(
            "agent_answered",
            for_call=caller_call,
            reference=st.ref,
            agent_name=agent.name if agent else None,
        )
    return twiml(response)


def _agent(agent_id: str) -> Agent | None:
    if not agent_id.isdigit():
        return None
    try:
        return get_session().get(Agent, int(agent_id))
    except SQLAlchemyError:
        return None
