"""A known disruption, heard right after the announcements: "this is my problem" (1) counts the
caller as affected, keeps the number and ends the call; anything else asks about the next active
disruption (newest first, at most MAX_HEARD in all), then goes on as usual."""

from __future__ import annotations

import logging

from flask import Response, request
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import VoiceResponse

from ivr import prompts
from ivr.caller_id import callable_number
from ivr.db import get_session
from ivr.domain.call_flow import DISRUPTION_MENU, Signal, Step, interpret, next_step
from ivr.domain.text_input import whole_number
from ivr.models import Disruption
from ivr.services import disruptions
from ivr.services.messages import can_receive
from ivr.voice.blueprint import bp
from ivr.voice.context import desk, field, go, keep, now, speaker, state, step_url
from ivr.voice.menus import choice_gather
from ivr.voice.twiml import twiml
from ivr.voice.urls import voice_url

log = logging.getLogger(__name__)

GATHER_TIMEOUT = 5


def _disruption() -> Disruption | None:
    number = whole_number(request.args.get("dis", ""), 11)
    if number is None:
        return None
    try:
        found = get_session().get(Disruption, number)
    except SQLAlchemyError:
        return None
    return found if found is not None and found.ended_at is None else None


def _heard_after(dis: int | None) -> int | None:
    """The next active disruption the caller hears (ivr/services/disruptions.py, MAX_HEARD)."""
    if dis is None:
        return None
    try:
        return disruptions.heard_after(get_session(), dis, now(), desk().key)
    except SQLAlchemyError as exc:  # on to the menu: the caller is served as usual
        log.error("other disruptions unavailable (%s)", type(exc).__name__)
        return None


@bp.post("/disruption")
def disruption() -> Response:
    st = state()
    response = VoiceResponse()
    known = _disruption()
    if known is None:  # ended meanwhile, or unknown: on as usual
        return twiml(go(response, next_step(Step.DISRUPTION, "other", True), st))
    answer_url = voice_url("voice.disruption_answer", dis=known.id, **st.query())
    gather = choice_gather(
        response, answer_url, st.lang, DISRUPTION_MENU.hints(st.lang), GATHER_TIMEOUT
    )
    say = speaker(st.lang)
    text = known.text_de if st.lang == "de" else known.text_nl
    say.speak(gather, prompts.DISRUPTION_KNOWN, description=text)
    say.speak(gather, prompts.DISRUPTION_MINE)
    say.speak(gather, prompts.DISRUPTION_OTHER)
    response.redirect(answer_url)
    return twiml(response)


@bp.post("/disruption/answer")
def disruption_answer() -> Response:
    st = state()
    response = VoiceResponse()
    heard = interpret(DISRUPTION_MENU, field("Digits"), field("SpeechResult"), st.lang)
    dis = whole_number(request.args.get("dis", ""), 11)
    if heard.signal is Signal.REPEAT and dis is not None:
        response.redirect(step_url(Step.DISRUPTION, st, dis=str(dis)))
        return twiml(response)
    if heard.choice is None or heard.choice.value != "affected" or dis is None:
        following = _heard_after(dis)
        if following is not None:  # another active disruption: asked about it in turn
            response.redirect(step_url(Step.DISRUPTION, st, dis=str(following)))
            return twiml(response)
        return twiml(go(response, next_step(Step.DISRUPTION, "other", True), st))
    number = callable_number(field("From"))
    keep("disruption_affected", disruption_id=dis, number=number, language=st.lang)
    keep("call_route", outcome="affected by a known disruption")
    say = speaker(st.lang)
    say.speak(response, prompts.DISRUPTION_NOTED)
    if desk().messages_from and can_receive(number):
        say.speak(response, prompts.DISRUPTION_NOTED_MESSAGE)
    say.speak(response, prompts.GOODBYE)
    return twiml(go(response, next_step(Step.DISRUPTION, "affected", True), st))
