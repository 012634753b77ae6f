"""One sentence about the problem, recognised as text: a work list of recordings is slow to
triage. Asked after the recording, and in hours while the caller waits in the queue (the agent's
phone already rings: the whisper carries it when it arrived in time, ivr/voice/queue.py).

`<Gather input="speech">` in the caller's language with an explicitly named model that knows
Dutch and German (`SUMMARY_SPEECH_MODEL`); `<Record transcribe>` is English-only. Silence or
a low confidence is fine: nothing is stored, or the text is kept with its confidence, and the
recording stays the source of truth.
"""

from __future__ import annotations

import logging

from flask import Response, current_app, request
from twilio.twiml.voice_response import Gather, VoiceResponse

from ivr import prompts
from ivr.caller_id import callable_number
from ivr.domain.call_flow import ASK_SENTENCE, DONE, Step, next_step
from ivr.domain.text_input import cleaned_speech
from ivr.speech_models import speech_timeout
from ivr.voice import bounded
from ivr.voice.blueprint import bp
from ivr.voice.context import (
    STEP_ENDPOINTS,
    field,
    go,
    report,
    speaker,
    state,
)
from ivr.voice.speaker import SAY_LANGUAGE
from ivr.voice.state import CallState
from ivr.voice.twiml import twiml
from ivr.voice.urls import voice_url

SUMMARY_TIMEOUT = 5  # seconds of silence before the caller is taken on without a sentence
log = logging.getLogger(__name__)
MAX_SUMMARY = 500


@bp.post("/summary")
def summary() -> Response:
    st = state().but(summarised=True)
    after = request.args.get("after", "")[:16]
    response = VoiceResponse()
    answer_url = voice_url("voice.summary_answer", after=after or None, **st.query())
    speaker(st.lang).speak(ask_sentence(response, st, answer_url), prompts.SUMMARY_ASK)
    response.redirect(answer_url)
    return twiml(response)


def ask_sentence(response: VoiceResponse, st: CallState, answer_url: str) -> Gather:
    """The `<Gather>` that listens for one sentence in the caller's language."""
    model = current_app.config["SUMMARY_SPEECH_MODEL"] or None
    return response.gather(
        input="speech",
        language=SAY_LANGUAGE[st.lang],
        speech_model=model,
        speech_timeout=speech_timeout(current_app.config, model),
        timeout=SUMMARY_TIMEOUT,
        action=answer_url,
        method="POST",
        action_on_empty_result=True,
    )


def keep_sentence(st: CallState) -> bool:
    """Keep what the caller said (with the engine's confidence); False when they said nothing."""
    heard = cleaned_speech(field("SpeechResult"), MAX_SUMMARY)
    if heard.changes:  # the caller cannot be asked again: kept cleaned, and said so in the log
        log.warning("caller's sentence kept with changes: %s", ", ".join(heard.changes))
    text = heard.text
    if text:
        report(st, summary=text, summary_confidence=bounded.fraction("Confidence"))
    return bool(text)


@bp.post("/summary/answer")
def summary_answer() -> Response:
    st = state().but(summarised=True)
    keep_sentence(st)
    response = VoiceResponse()
    return twiml(go(response, after_recording(), st))


def after_recording() -> Step:
    """Confirm the caller ID as callback number, or ask for one when there is none."""
    step = next_step(Step.INTAKE, DONE, False)
    return step if callable_number(field("From")) else Step.CALLBACK_NUMBER


def go_on_after_recording(response: VoiceResponse, st: CallState) -> VoiceResponse:
    """After the recording: the one sentence (unless asked before ringing), then the callback."""
    if st.summarised or not current_app.config["ASK_SUMMARY"]:
        return go(response, after_recording(), st)
    step = next_step(Step.INTAKE, ASK_SENTENCE, False)
    response.redirect(voice_url(STEP_ENDPOINTS[step], after="record", **st.query()))
    return response
