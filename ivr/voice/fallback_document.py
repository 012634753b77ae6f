"""The TwiML for the number's "Primary handler fails" URL: served by Twilio, not by this app.

Twilio requests that URL when it cannot fetch or run the app's TwiML (a deploy, a crash, a
proxy's 502, no answer within 15 s; twilio.com/docs/usage/security/availability-reliability).
So the documents may depend on nothing the app serves: they speak with `<Say>` (no studio audio).
Only the recording goes back to the app, by its status callback and action, which succeed once
the app is up again.

A TwiML Bin runs no logic: its templates are logic-less Mustache, a section `{{#Name}}` shows
when the request has a parameter `Name`, an inverted one `{{^Name}}` when it has not
(twilio.com/docs/serverless/twiml-bins, support.twilio.com/hc/en-us/articles/230878368). The
Bin cannot compare `DialCallStatus` with a value, so three Bins turn the value into a name:

- "primary": the apology and the `<Dial>` to FALLBACK_NUMBER, whose `action` is the "dialled" Bin
  (twilio.com/docs/voice/twiml/dial#action: the action is requested when the dialled call ends);
- "dialled": redirects to the "outcome" Bin with `?{{DialCallStatus}}=1`, so the status becomes
  a parameter name there;
- "outcome": `{{#completed}}`/`{{#answered}}` (a conversation took place) hangs up; otherwise
  (busy, no-answer, failed, canceled) the caller leaves a message.

Without a FALLBACK_NUMBER the "primary" document asks for the message at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from twilio.twiml.voice_response import VoiceResponse

from ivr.i18n import LOCALES, render
from ivr.prompts import APOLOGY, APOLOGY_CONNECTING, APOLOGY_RECORD, Prompt
from ivr.voice.speaker import SAY_LANGUAGE

PARTS = ("primary", "dialled", "outcome")
# DialCallStatus values of a conversation that took place (twilio.com/docs/voice/twiml/dial).
ANSWERED = ("completed", "answered")


def fallback_document(
    config: Mapping[str, Any],
    base_url: str,
    part: str = "primary",
    next_url: str = "",
) -> str:
    """One Bin's document, ready to paste; `next_url` is the URL of the Bin the part leads to
    (primary: the "dialled" Bin; dialled: the "outcome" Bin)."""
    if part == "dialled":
        return _dialled(next_url)
    if part == "outcome":
        return _outcome(config, base_url)
    response = VoiceResponse()
    _say_both(response, config, APOLOGY)
    if not config["FALLBACK_NUMBER"]:
        _record(response, config, base_url)
        return str(response)
    _say_both(response, config, APOLOGY_CONNECTING)
    response.dial(
        config["FALLBACK_NUMBER"],
        timeout=config["DIAL_TIMEOUT_SECONDS"],
        action=next_url,
        method="POST",
        caller_id=config.get("TWILIO_NUMBER") or None,
    )
    return str(response)


def _dialled(outcome_url: str) -> str:
    response = VoiceResponse()
    separator = "&" if "?" in outcome_url else "?"
    response.redirect(f"{outcome_url}{separator}{{{{DialCallStatus}}}}=1", method="POST")
    return str(response)


def _outcome(config: Mapping[str, Any], base_url: str) -> str:
    answered = VoiceResponse()
    answered.hangup()
    message = VoiceResponse()
    _record(message, config, base_url)
    inner = _body(str(message))
    hang_up = _body(str(answered))
    sections = "".join(f"{{{{#{s}}}}}{hang_up}{{{{/{s}}}}}" for s in ANSWERED)
    record = "".join(f"{{{{^{s}}}}}" for s in ANSWERED) + inner
    record += "".join(f"{{{{/{s}}}}}" for s in reversed(ANSWERED))
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{sections}{record}</Response>'


def _body(document: str) -> str:
    """The verbs of a document, without its declaration and `<Response>`."""
    start = document.index("<Response>") + len("<Response>")
    return document[start : document.rindex("</Response>")]


def _say_both(response: VoiceResponse, config: Mapping[str, Any], prompt: Prompt) -> None:
    for locale in LOCALES:
        voice = config["VOICE_DE"] if locale == "de" else config["VOICE_NL"]
        response.say(render(prompt, locale), voice=voice, language=SAY_LANGUAGE[locale])


def _record(response: VoiceResponse, config: Mapping[str, Any], base_url: str) -> None:
    _say_both(response, config, APOLOGY_RECORD)
    recorded = f"{base_url.rstrip('/')}/voice/safe/recorded"
    response.record(
        action=recorded,
        method="POST",
        max_length=config["RECORDING_MAX_SECONDS"],
        finish_on_key="#",
        play_beep=True,
        recording_status_callback=recorded,
        recording_status_callback_method="POST",
    )
    response.hangup()
