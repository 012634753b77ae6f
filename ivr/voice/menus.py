"""The menus: ask with `<Gather>` (keys or speech), understand the answer, move on."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Response, abort, current_app
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import Gather, VoiceResponse

from ivr import prompts, spoken
from ivr.caller_id import callable_number
from ivr.db import get_session
from ivr.domain.call_flow import (
    DONE,
    GIVE_UP,
    KNOWN_DISRUPTION,
    MAX_ATTEMPTS,
    MENUS,
    Menu,
    Signal,
    Step,
    interpret,
    next_step,
)
from ivr.domain.maintenance import announcements_due, says_more_than_maintenance
from ivr.privacy import caller_key
from ivr.prompts import Prompt
from ivr.services.announcements import Announced, Window
from ivr.services.messages import can_receive
from ivr.speech_models import speech_timeout
from ivr.voice.blueprint import bp
from ivr.voice.context import (
    calendar,
    desk,
    field,
    go,
    keep,
    now,
    report,
    speaker,
    state,
    step_url,
)
from ivr.voice.speaker import SAY_LANGUAGE
from ivr.voice.state import CallState
from ivr.voice.twiml import twiml
from ivr.voice.urls import voice_url

log = logging.getLogger(__name__)

GATHER_TIMEOUT = 6  # seconds of silence before Twilio gives up waiting for a key
# Said before the choices, where the choices alone would not be understood.
MENU_QUESTIONS = {Step.IMPACT: prompts.IMPACT_QUESTION}
# One sentence per choice, by key, in the menu's order (ivr.domain.call_flow.MENUS).
CHOICE_PROMPTS: dict[Step, dict[str, Prompt]] = {
    Step.PURPOSE: {
        "1": prompts.PURPOSE_INCIDENT,
        "2": prompts.PURPOSE_QUESTION,
        "3": prompts.PURPOSE_STANDARD_CHANGE,
        "4": prompts.PURPOSE_STATUS,
    },
    Step.IMPACT: {"1": prompts.IMPACT_ALL, "2": prompts.IMPACT_SOME, "3": prompts.IMPACT_ONE},
    Step.SEVERITY: {
        "1": prompts.SEVERITY_CANNOT_WORK,
        "2": prompts.SEVERITY_FUNCTIONS_FAIL,
        "3": prompts.SEVERITY_CUMBERSOME,
    },
    Step.CALLBACK: {
        "1": prompts.CALLBACK_KEEP,
        "2": prompts.CALLBACK_OTHER,
        "3": prompts.CALLBACK_NO_MESSAGES,
    },
}


def _menu(step_name: str) -> Menu:
    try:
        return MENUS[Step(step_name)]
    except (ValueError, KeyError):
        abort(404)


LANGUAGE_CHOICES = {"nl": prompts.CHOOSE_DUTCH, "de": prompts.CHOOSE_GERMAN}


@bp.post("/menu/<step>")
def menu(step: str) -> Response:
    current = _menu(step)
    st = state()
    # "Star repeats" once per call, at the first menu after the language.
    hint = not st.hinted and current.step is not Step.LANGUAGE
    st = st.but(hinted=st.hinted or hint)
    response = VoiceResponse()
    answer_url = voice_url("voice.answer", step=step, **st.query())
    # The first menu is bilingual: it listens in Dutch, expecting German words too.
    languages = desk().languages if current.step is Step.LANGUAGE else (st.lang,)
    gather = choice_gather(response, answer_url, st.lang, current.hints(*languages))
    ask(gather, current.step, st)
    if hint:
        speaker(st.lang).speak(gather, prompts.REPEAT_HINT)
    # Should Twilio fall through the Gather after all, the answer step treats it as no input.
    response.redirect(answer_url)
    return twiml(response)


def choice_gather(
    response: VoiceResponse, answer_url: str, lang: str, hints: str, timeout: int = GATHER_TIMEOUT
) -> Gather:
    """One key or a spoken choice, answered at `answer_url` even when nothing came."""
    model = current_app.config["SPEECH_MODEL"] or None
    return response.gather(
        input="dtmf speech",
        num_digits=1,
        timeout=timeout,
        speech_timeout=speech_timeout(current_app.config, model),
        action=answer_url,
        method="POST",
        action_on_empty_result=True,
        language=SAY_LANGUAGE[lang],
        hints=hints,
        speech_model=model,
    )


def ask(gather: Gather, step: Step, st: CallState) -> None:
    """The menu's question (if it needs one), then one sentence per choice, all interruptible."""
    if step is Step.LANGUAGE:
        # The desk's languages in its order: the first greets (issue 26).
        languages = desk().languages
        speaker(languages[0]).speak(gather, prompts.GREETING)
        for language in languages:
            speaker(language).speak(gather, LANGUAGE_CHOICES[language])
        return
    say = speaker(st.lang)
    number = ""
    if step is Step.CALLBACK:  # reached only with a real caller ID (intake decides)
        number = callable_number(field("From")) or ""
        say.speak(gather, prompts.CALLBACK_CONFIRM, number=spoken.phone_number(number))
    elif step in MENU_QUESTIONS:
        say.speak(gather, MENU_QUESTIONS[step])
    for choice in MENUS[step].choices:
        if step is Step.CALLBACK and choice.value == "no_messages" and not _texts_to(number):
            continue  # offered only when the line sends text messages, to a mobile number
        if step is Step.PURPOSE and choice.value == "status" and not st.known:
            continue  # offered to returning callers (who may have a reference); 4 works for all
        say.speak(gather, CHOICE_PROMPTS[step][choice.key])


def _texts_to(number: str) -> bool:
    return bool(desk().messages_from) and can_receive(number)


@bp.post("/menu/<step>/answer")
def answer(step: str) -> Response:
    current = _menu(step)
    st = state()
    response = VoiceResponse()
    heard = interpret(current, field("Digits"), field("SpeechResult"), st.lang)
    if heard.signal is Signal.REPEAT:
        return twiml(go(response, current.step, st))
    if heard.signal is Signal.SWITCH_LANGUAGE:
        if st.other_lang in desk().languages:  # a desk of one language has nothing to switch to
            st = st.but(lang=st.other_lang)
            _remember_language(st.lang)
        return twiml(go(response, current.step, st))
    if heard.signal in (Signal.INVALID, Signal.NO_INPUT):
        return twiml(_try_again(response, current.step, st, heard.signal))
    assert heard.choice is not None
    st = CHOSEN[current.step](st, heard.choice.value)
    if heard.choice.value == "no_messages":
        speaker(st.lang).speak(response, prompts.MESSAGES_DECLINED)
    t = now()
    return twiml(
        go(response, next_step(current.step, heard.choice.value, calendar(t).is_open(t)), st)
    )


def _try_again(response: VoiceResponse, step: Step, st: CallState, signal: Signal) -> VoiceResponse:
    """Say what went wrong and ask again; after the last try, take the safest path."""
    failures = st.attempt + 1
    sorry = prompts.NO_INPUT if signal is Signal.NO_INPUT else prompts.INVALID_CHOICE
    speaker(st.lang).speak(response, sorry)
    if failures < MAX_ATTEMPTS:
        return go(response, step, st.but(attempt=failures))
    t = now()
    target = next_step(step, GIVE_UP, calendar(t).is_open(t))
    log.info("caller gave no usable answer at %s: on to %s", step, target)
    return go(response, target, st.but(attempt=0))


def _remember_language(language: str) -> None:
    number = callable_number(field("From"))
    key = caller_key(number, desk().caller_key_secret) if number else None
    keep("call_language", language=language, caller_key=key)


def _chose_language(st: CallState, value: str) -> CallState:
    _remember_language(value)
    return st.but(lang=value, attempt=0)


def _chose_purpose(st: CallState, value: str) -> CallState:
    if value == "status":  # asking about a report is not a report
        return st.but(attempt=0)
    return report(st.but(kind=value, attempt=0), kind=value)


def _chose_impact(st: CallState, value: str) -> CallState:
    return report(st.but(impact=value, attempt=0), impact=value)


def _chose_severity(st: CallState, value: str) -> CallState:
    return report(st.but(severity=value, attempt=0), severity=value)


def _chose_callback(st: CallState, value: str) -> CallState:
    # "keep" needs nothing: the caller ID is the callback by default.
    if value == "no_messages":  # remembered for this number, by keyed hash
        number = callable_number(field("From"))
        if number:
            keep("message_opt_out", caller_key=caller_key(number, desk().caller_key_secret))
    return st.but(attempt=0)


CHOSEN = {
    Step.LANGUAGE: _chose_language,
    Step.PURPOSE: _chose_purpose,
    Step.IMPACT: _chose_impact,
    Step.SEVERITY: _chose_severity,
    Step.CALLBACK: _chose_callback,
}


@bp.post("/announce")
def announce() -> Response:
    """Before the menus: closed today and why, closed now and until when, planned maintenance."""
    st = state()
    t = now()
    cal = calendar(t)
    say = speaker(st.lang)
    response = VoiceResponse()
    tz = desk().tz
    closed = cal.closed_day(t.astimezone(tz).date())
    reason = (closed.reason_de if st.lang == "de" else closed.reason_nl) if closed else None
    if not cal.is_open(t):  # "closed" once: with the reason when there is one
        opens = cal.next_opening(t)
        if opens is None and reason:
            say.speak(response, prompts.CLOSED_UNTIL_FURTHER_NOTICE_FOR, reason=reason)
        elif opens is None:
            say.speak(response, prompts.CLOSED_UNTIL_FURTHER_NOTICE)
        elif reason:
            when = spoken.when_phrase(opens, t, st.lang, tz)
            say.speak(response, prompts.CLOSED_TODAY, reason=reason, when=when)
        else:
            when = spoken.when_phrase(opens, t, st.lang, tz)
            say.speak(response, prompts.CLOSED_NOW, when=when)
    windows, known = _announcements(t)
    for window in announcements_due(windows, t):
        end = spoken.when_phrase(window.ends_at, t, st.lang, tz)
        if window.starts_at <= t:
            say.speak(response, prompts.MAINTENANCE_RUNNING, end=end)
        else:
            start = spoken.when_phrase(window.starts_at, t, st.lang, tz)
            say.speak(response, prompts.MAINTENANCE_PLANNED, start=start, end=end)
        text = (window.description_de if st.lang == "de" else window.description_nl).strip()
        if says_more_than_maintenance(text):
            say.speak(response, prompts.MAINTENANCE_ABOUT, description=text.rstrip(". "))
    if known is not None:  # heard before the menus; "this is my problem" skips them
        target = next_step(Step.ANNOUNCE, KNOWN_DISRUPTION, cal.is_open(t))
        response.redirect(step_url(target, st, dis=known.id))
        return twiml(response)
    return twiml(go(response, next_step(Step.ANNOUNCE, DONE, cal.is_open(t)), st))


def _announcements(t: datetime) -> tuple[list[Window], Announced | None]:
    try:
        return desk().announcements.get(get_session(), t, desk().key)
    except SQLAlchemyError as exc:
        log.error("maintenance windows and disruptions unavailable (%s)", type(exc).__name__)
        return [], None


def choice_texts() -> dict[str, set[str]]:
    """By key, each sentence that names a choice, in either language: where a caller who knows
    the line presses (`ivr.phone.timing`)."""
    texts: dict[str, set[str]] = {}
    for key, prompt in (("1", prompts.CHOOSE_DUTCH), ("2", prompts.CHOOSE_GERMAN)):
        texts.setdefault(key, set()).update(speaker(lang).text(prompt) for lang in ("nl", "de"))
    for choices in CHOICE_PROMPTS.values():
        for key, prompt in choices.items():
            texts.setdefault(key, set()).update(speaker(lang).text(prompt) for lang in ("nl", "de"))
    return texts
