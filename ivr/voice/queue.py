"""The waiting caller: position and expected wait, hold music, the choices, leaving the queue.

Twilio requests the `<Enqueue>`'s waitUrl when the caller joins and again each time its TwiML
has played out; the `<Gather>` in it offers the choices every round. `<Leave>` takes the caller
out of the queue, and Twilio then requests the `<Enqueue>`'s action with `QueueResult`.
"""

from __future__ import annotations

import logging
import math
from contextlib import suppress
from datetime import timedelta

from flask import Response, current_app, url_for
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import VoiceResponse

from ivr import prompts, spoken
from ivr.domain import queueing
from ivr.domain.call_flow import CHOSE_CALLBACK, LEFT_QUEUE, Step, next_step
from ivr.services import offers, queue
from ivr.voice import bounded
from ivr.voice.blueprint import bp
from ivr.voice.context import (
    calendar,
    call_sid,
    desk,
    desks,
    field,
    go,
    keep,
    links,
    now,
    queue_database,
    queue_settings,
    run_dispatch,
    speaker,
    state,
    twilio,
)
from ivr.voice.intake import promise_for
from ivr.voice.routing import dial_fallback
from ivr.voice.state import CallState
from ivr.voice.summary import ask_sentence, keep_sentence
from ivr.voice.twiml import twiml
from ivr.voice.urls import voice_url

log = logging.getLogger(__name__)

# In AUDIO_DIR (written by `python -m ivr.hold_music`), 20 seconds, looped to fill a round.
HOLD_MUSIC = "hold-music.wav"
HOLD_MUSIC_SECONDS = 20
CHOICE_TIMEOUT = 5
LEAVE_PROMPTS = {
    "limit": prompts.QUEUE_TOO_LONG,
    "fault": prompts.QUEUE_FAULT,
    "no_agent": prompts.NOBODY_ON_DUTY,
}


@bp.post("/queue/wait")
def queue_wait() -> Response:
    """One round of waiting: where the caller stands, music, then the choices."""
    st = state()
    t = now()
    response = VoiceResponse()
    say = speaker(st.lang)
    waited = timedelta(seconds=bounded.seconds("QueueTime") or 0)
    try:
        info = queue.wait_info(queue_database(), queue_settings(), call_sid(), t)
    except SQLAlchemyError as exc:
        log.error("queue position unavailable (%s)", type(exc).__name__)
        info = None
    # After `wait_info`: this request is Twilio's word that the caller is in its queue, so the
    # first one is where agents start to ring (the route only joined the line's queue).
    run_dispatch()
    if info is None:
        # Without the database nobody can be dispatched: after a bounded time, out of the queue.
        if waited.total_seconds() >= queue_settings().fault_seconds:
            response.leave()
        else:
            _music(response, queue_settings().choice_seconds // 2)
        return twiml(response)
    reason = _must_leave(info)
    if reason:
        _mark(reason)
        if reason in LEAVE_PROMPTS:
            say.speak(response, LEAVE_PROMPTS[reason])
        response.leave()
        return twiml(response)
    if info.first_round:
        _tell_change_due(response, st)
    if info.first_round and not st.summarised and current_app.config["ASK_SUMMARY"]:
        # The agent's phone rings already: asking now costs the caller no time (see the manual).
        answer_url = voice_url("voice.queue_summary", **st.but(summarised=True).query())
        say.speak(ask_sentence(response, st, answer_url), prompts.QUEUE_SUMMARY_ASK)
        return twiml(response)  # silence: the round ends and the next one tells the position
    say.speak(response, prompts.QUEUE_POSITION, position=info.position)
    if info.expected == queueing.NOW:  # the agent's phone rings for them: no minutes to wait
        say.speak(response, prompts.QUEUE_AGENT_CALLED)
    elif info.expected is not None:
        minutes = timedelta(minutes=queueing.spoken_minutes(info.expected))
        duration = spoken.duration_phrase(minutes, st.lang)
        say.speak(response, prompts.QUEUE_EXPECTED, duration=duration)
        _closing_notice(response, st, info.expected)
    _music(response, queue_settings().choice_seconds)
    gather = response.gather(
        input="dtmf",
        num_digits=1,
        timeout=CHOICE_TIMEOUT,
        action=voice_url("voice.queue_choice", **st.query()),
        method="POST",
    )
    say.speak(gather, prompts.QUEUE_CHOICES)
    return twiml(response)  # no key: the TwiML ends and Twilio requests the waitUrl again


def _tell_change_due(response: VoiceResponse, st: CallState) -> None:
    """A standard change hears its due day while waiting, as it would after a report: the
    stored instant (ivr/voice/intake.py), and no time added before the agent's phone rings."""
    if st.kind != "standard_change":
        return
    t = now()
    due = promise_for(st, calendar(t), t).change_due
    if due is not None:
        when = spoken.when_phrase(due, t, st.lang, desk().tz)
        speaker(st.lang).speak(response, prompts.CHANGE_DUE, when=when)


def _must_leave(info: queue.WaitInfo) -> str | None:
    settings = queue_settings()
    if info.status not in queue.IN_QUEUE:
        return info.leave_reason or "report"
    if info.waited.total_seconds() >= settings.max_wait_seconds:
        return "limit"
    if info.failed_offers >= 2:  # Twilio keeps refusing to ring agents: do not keep them waiting
        return "fault"
    if info.expected is None:  # every agent who speaks the language went away meanwhile
        return "no_agent"
    return None


def _music(response: VoiceResponse, seconds: int) -> None:
    loops = max(1, math.ceil(seconds / HOLD_MUSIC_SECONDS))
    response.play(url_for("audio.shared", filename=HOLD_MUSIC, _external=True), loop=loops)


def _closing_notice(response: VoiceResponse, st: CallState, expected: timedelta) -> None:
    t = now()
    cal = calendar(t)
    closes = cal.current_closing(t)
    if queueing.passes_closing(t, expected, closes) and closes is not None:
        tz = desk().tz
        speaker(st.lang).speak(
            response,
            prompts.QUEUE_CLOSING,
            when=spoken.time_phrase(closes, st.lang, tz),
            next=spoken.when_phrase(cal.next_opening(closes), t, st.lang, tz),
        )


def _mark(reason: str, force: bool = False) -> None:
    try:
        offers.caller_left(
            queue_database(), twilio(), call_sid(), now(), reason=reason, force=force,
            links=links(),
        )  # fmt: skip
    except SQLAlchemyError as exc:
        log.error("queue choice not kept (%s)", type(exc).__name__)


@bp.post("/queue/summary")
def queue_summary() -> Response:
    """The caller's sentence while waiting: kept; the round ends and the waitUrl comes again."""
    keep_sentence(state())
    return twiml(VoiceResponse())


@bp.post("/queue/choice")
def queue_choice() -> Response:
    """A key during the waiting round: 1 callback, 2 report; anything else keeps waiting."""
    st = state()
    response = VoiceResponse()
    digits = field("Digits")
    if digits in ("1", "2"):
        _mark("callback" if digits == "1" else "report")
        response.leave()
    else:
        speaker(st.lang).speak(response, prompts.INVALID_CHOICE)
    return twiml(response)


# Every QueueResult Twilio documents (twilio.com/docs/voice/twiml/enqueue#attributes-action-
# parameters), and what each means for the caller. Anything else is treated as "error".
BRIDGED = ("bridged", "redirected-from-bridged")  # a real conversation with the agent ended
FAILED = ("queue-full", "error", "system-error")  # Twilio could not (keep) queue(ing) them
QUEUE_RESULTS = (*BRIDGED, "bridging-in-process", "redirected", "hangup", "leave", *FAILED)


@bp.post("/queue/left")
def queue_left() -> Response:
    """The `<Enqueue>`'s action: the caller left the queue, or their call with an agent ended."""
    st = state()
    response = VoiceResponse()
    result = field("QueueResult")
    if result not in QUEUE_RESULTS:
        log.warning("unknown QueueResult %r of call %s: treated as an error", result, call_sid())
        result = "error"
    if result in BRIDGED:
        _bridged()
        keep("call_route", outcome="agent answered")
        # On failure the status callback and the sweeper still see the call ended.
        with suppress(SQLAlchemyError):
            queue.finished(queue_database(), call_sid(), now())
        if result == "bridged":
            response.hangup()
        return twiml(response)  # redirected: the call goes on where the REST update sent it
    if result == "bridging-in-process":
        # Twilio is putting the caller through to the agent who took them: that bridge, when it
        # is real, acknowledges the incident (voice.queue_bridge); nothing to add here.
        keep("call_route", outcome="being put through")
        return twiml(response)
    if result in ("hangup", "redirected"):
        # Hung up, or taken out of the queue by a REST update that now leads the call.
        _caller_left(None if result == "hangup" else "redirected")
        return twiml(response)
    if result in FAILED:
        log.error("call %s left Twilio's queue: %s", call_sid(), result)
        _mark("queue_full" if result == "queue-full" else "fault", force=True)
    try:
        reason = queue.leave_reason(queue_database(), call_sid())
    except SQLAlchemyError:
        reason = "fault"
    if reason == "callback":
        return twiml(go(response, next_step(Step.QUEUE, CHOSE_CALLBACK, True), st))
    if reason in (None, "fault", "queue_full") and desk().fallback_number:
        dial_fallback(response, st)
        keep("call_route", outcome="fallback number")
        return twiml(response)
    keep("call_route", outcome=f"left the queue ({reason or result})")
    speaker(st.lang).speak(response, prompts.LEAVE_REPORT_ASAP)
    return twiml(go(response, next_step(Step.QUEUE, LEFT_QUEUE, True), st.but(asap=True)))


@bp.post("/queue/bridge")
def queue_bridge() -> Response:
    """The `<Queue>` noun's url: requested on the caller's leg as the agent's `<Dial><Queue>`
    dequeues them (twilio.com/docs/voice/twiml/queue#attributes-url), so the bridge is real:
    only now is the incident acknowledged in the agent's name."""
    _bridged()
    return twiml(VoiceResponse())


def _bridged() -> None:
    try:
        offers.bridged(queue_database(), desks(), call_sid(), now())
    except SQLAlchemyError as exc:
        log.error("bridge of call %s not kept (%s)", call_sid(), type(exc).__name__)


def _caller_left(reason: str | None = None) -> None:
    try:
        offers.caller_left(
            queue_database(), twilio(), call_sid(), now(), reason=reason, links=links()
        )
    except SQLAlchemyError as exc:
        log.error("caller's hang-up not kept (%s); the sweeper repairs it", type(exc).__name__)
