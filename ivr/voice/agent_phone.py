"""An agent calling the line from their registered number logs in or out with one key.

Only with `AGENT_PHONE_LOGIN` on, and only for a caller ID that rings an agent: everyone else
hears the line exactly as before. With `AGENT_PHONE_PIN` set the change also needs the PIN,
because a caller ID can be spoofed (docs/journey/queue.md, "Agents on their own phone"). Key 3
or silence continues as an ordinary caller, so an agent with a problem of their own is never
stuck here.
"""

from __future__ import annotations

import hmac
import logging
from contextlib import suppress

from flask import Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import VoiceResponse

from ivr import prompts
from ivr.caller_id import callable_number
from ivr.db import get_session
from ivr.domain.call_flow import KNOWN_LANGUAGE, MAX_ATTEMPTS, Step, next_step
from ivr.domain.call_outcome import AGENT_PRESENCE
from ivr.models import Agent
from ivr.privacy import mask_number
from ivr.services import pin_tries, presence
from ivr.voice.blueprint import bp
from ivr.voice.context import desk, field, go, keep, now, speaker, state
from ivr.voice.state import CallState
from ivr.voice.twiml import twiml
from ivr.voice.urls import voice_url

log = logging.getLogger(__name__)

CHOICES = {"1": presence.AVAILABLE, "2": presence.AWAY}
AS_CALLER = "3"
KEY_TIMEOUT = 6
PIN_TIMEOUT = 10
MAX_PIN_TRIES = 3


def calling_agent(number: str | None) -> Agent | None:
    """The agent whose registered number is calling, when agents may log in by phone."""
    if not number or not current_app.config["AGENT_PHONE_LOGIN"]:
        return None
    try:
        return presence.agent_by_number(get_session(), number)
    except SQLAlchemyError as exc:  # without the database the line serves them as a caller
        log.warning("agent lookup skipped: database unavailable (%s)", type(exc).__name__)
        return None


def agent_language(agent: Agent, remembered: str | None) -> str:
    """The language the caller chose last time, if the agent speaks it; else their first."""
    spoken = agent.language_list or ["nl"]
    return remembered if remembered in spoken else spoken[0]


def agent_menu(response: VoiceResponse, agent: Agent, st: CallState) -> VoiceResponse:
    """Who they are to the line, in or out now, and the three keys."""
    say = speaker(st.lang)
    action = voice_url("voice.agent_choice", **st.query())
    gather = response.gather(
        input="dtmf",
        num_digits=1,
        timeout=KEY_TIMEOUT,
        action=action,
        method="POST",
        action_on_empty_result=True,
    )
    say.speak(gather, prompts.AGENT_HELLO, name=agent.name)
    logged_in = agent.presence != presence.AWAY
    say.speak(gather, prompts.AGENT_IS_IN if logged_in else prompts.AGENT_IS_OUT)
    say.speak(gather, prompts.AGENT_LOG_IN)
    say.speak(gather, prompts.AGENT_LOG_OUT)
    say.speak(gather, prompts.AGENT_AS_CALLER)
    response.redirect(action)
    return response


def as_caller(response: VoiceResponse, st: CallState) -> VoiceResponse:
    """On as any caller whose language the line knows: greeted, then the first menu."""
    st = st.but(attempt=0)
    speaker(st.lang).speak(response, prompts.GREETING)
    speaker(st.other_lang).speak(response, prompts.SWITCH_TO_THIS_LANGUAGE)
    return go(response, next_step(Step.INCOMING, KNOWN_LANGUAGE, True), st)


@bp.post("/agent/choice")
def agent_choice() -> Response:
    st = state()
    agent = calling_agent(callable_number(field("From")))
    digits = field("Digits")
    response = VoiceResponse()
    if agent is None or digits in ("", AS_CALLER):
        return twiml(as_caller(response, st))
    wanted = CHOICES.get(digits)
    if wanted is None:
        speaker(st.lang).speak(response, prompts.INVALID_CHOICE)
        if st.attempt + 1 >= MAX_ATTEMPTS:
            return twiml(as_caller(response, st))
        return twiml(agent_menu(response, agent, st.but(attempt=st.attempt + 1)))
    if current_app.config["AGENT_PHONE_PIN"]:
        if pin_locked(number_key()):
            speaker(st.lang).speak(response, prompts.AGENT_PIN_LOCKED)
            return twiml(as_caller(response, st))
        return twiml(ask_pin(response, digits, st.but(attempt=0)))
    return twiml(change(response, agent, wanted, st))


def number_key() -> str:
    """The calling number as the PIN lock knows it (a keyed hash, not the number)."""
    return pin_tries.key_of(callable_number(field("From")) or "", desk().caller_key_secret)


def pin_locked(key: str) -> bool:
    """Whether this number is locked out (ivr/services/pin_tries.py); unsure counts as locked."""
    try:
        return pin_tries.locked_until(get_session(), key, now()) is not None
    except SQLAlchemyError as exc:
        log.error("agent PIN tries unavailable (%s)", type(exc).__name__)
        return True


def ask_pin(response: VoiceResponse, key: str, st: CallState) -> VoiceResponse:
    action = voice_url("voice.agent_pin", want=key, **st.query())
    gather = response.gather(
        input="dtmf",
        finish_on_key="#",
        timeout=PIN_TIMEOUT,
        action=action,
        method="POST",
        action_on_empty_result=True,
    )
    speaker(st.lang).speak(gather, prompts.AGENT_PIN_ASK)
    response.redirect(action)
    return response


@bp.post("/agent/pin")
def agent_pin() -> Response:
    st = state()
    number = callable_number(field("From"))
    agent = calling_agent(number)
    key = request.args.get("want", "")
    response = VoiceResponse()
    if agent is None or key not in CHOICES:
        return twiml(as_caller(response, st))
    say = speaker(st.lang)
    caller = number_key()
    if pin_locked(caller):  # locked by another call meanwhile: even the right PIN waits
        say.speak(response, prompts.AGENT_PIN_LOCKED)
        return twiml(as_caller(response, st))
    pin = current_app.config["AGENT_PHONE_PIN"]
    if hmac.compare_digest(field("Digits").encode(), pin.encode()):
        with suppress(SQLAlchemyError):  # the count stays; the change itself reports a fault
            pin_tries.right_pin(get_session(), caller)
        return twiml(change(response, agent, CHOICES[key], st))
    log.warning("wrong agent PIN from %s", mask_number(number or ""))
    say.speak(response, prompts.AGENT_PIN_WRONG)
    try:
        locked = pin_tries.wrong_pin(get_session(), caller, now()) is not None
    except SQLAlchemyError as exc:
        log.error("agent PIN try not kept (%s)", type(exc).__name__)
        locked = True
    if locked or st.attempt + 1 >= MAX_PIN_TRIES:
        handled(st)
        if locked:
            say.speak(response, prompts.AGENT_PIN_LOCKED)
        say.speak(response, prompts.GOODBYE)
        response.hangup()
        return twiml(response)
    return twiml(ask_pin(response, key, st.but(attempt=st.attempt + 1)))


def change(response: VoiceResponse, agent: Agent, wanted: str, st: CallState) -> VoiceResponse:
    """Set the agent in or out and say so; the line offers calls again from the next round."""
    handled(st)
    say = speaker(st.lang)
    try:
        presence.change_by_phone(get_session(), agent, wanted, now())
    except presence.PresenceError:
        say.speak(response, prompts.AGENT_BUSY)
    except SQLAlchemyError as exc:
        log.error("agent presence by phone failed: database unavailable (%s)", type(exc).__name__)
        say.speak(response, prompts.AGENT_NOT_CHANGED)
    else:
        say.speak(
            response,
            prompts.AGENT_LOGGED_IN if wanted == presence.AVAILABLE else prompts.AGENT_LOGGED_OUT,
        )
    say.speak(response, prompts.GOODBYE)
    response.hangup()
    return response


def handled(st: CallState) -> None:
    """The call was an agent's log-in or log-out (the Calls page and the report count it so)."""
    keep("call_language", language=st.lang)
    keep("call_route", outcome=AGENT_PRESENCE)
