"""TwiML as an HTTP answer, and the last-resort answer when anything else failed."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path

from flask import Response, current_app, g, request, url_for
from twilio.twiml import TwiML
from twilio.twiml.voice_response import VoiceResponse

from ivr.caller_id import callable_number
from ivr.i18n import LOCALES
from ivr.prompts import APOLOGY, APOLOGY_CONNECTING, APOLOGY_RECORD
from ivr.voice.speaker import Speaker, StudioTakes


def twiml(response: VoiceResponse) -> Response:
    return Response(render(response), status=200, mimetype="text/xml")


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def render(document: TwiML) -> str:
    """`str(document)`, character for character, without building an ElementTree first.

    The twilio library serialises through `xml.etree` (an Element per verb, then a writer):
    about a twentieth of a webhook. This writes the same tree straight to text, with the same
    attribute order, escaping and empty-element form (tests/voice/test_twiml_render.py compares
    the two on generated documents).
    """
    parts = [XML_DECLARATION]
    _write(document, parts.append)
    return "".join(parts).encode("utf-8", "xmlcharrefreplace").decode("utf-8")


def _write(node: TwiML, out: Callable[[str], None]) -> None:
    value = node.value
    text = (json.dumps(value) if isinstance(value, dict) else value) if value else None
    children: list[list[TwiML | str | None]] = []  # [verb, the text after it]
    for verb in node.verbs:  # as TwiML.xml(): a string is the text before the next verb
        if isinstance(verb, str):
            if children:
                children[-1][1] = verb
            else:
                text = verb
        else:
            children.append([verb, None])
    out("<" + node.name)
    for name in sorted(node.attrs):
        attr = node.attrs[name]
        shown = str(attr).lower() if isinstance(attr, bool) else str(attr)
        out(f' {name}="{_escape_attribute(shown)}"')
    if not text and not children:
        out(" />")
        return
    out(">")
    if text:
        out(_escape_text(text))
    for child, tail in children:
        _write(child, out)  # type: ignore[arg-type]
        if tail:
            out(_escape_text(tail))  # type: ignore[arg-type]
    out("</" + node.name + ">")


@functools.lru_cache(maxsize=4096)  # prompts, voices and URLs repeat from call to call
def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@functools.lru_cache(maxsize=4096)
def _escape_attribute(value: str) -> str:
    return (
        _escape_text(value)
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
        .replace("\t", "&#09;")
    )


def speaker_for(locale: str) -> Speaker:
    """The app's speaker of `locale`, made once per app (its settings never change)."""
    speakers: dict[str, Speaker] = current_app.extensions.setdefault("ivr.speakers", {})
    speaker = speakers.get(locale)
    if speaker is None:
        config = current_app.config
        audio_dir = Path(config["AUDIO_DIR"])
        takes = current_app.extensions.setdefault("ivr.studio_takes", StudioTakes(audio_dir))
        speaker = speakers[locale] = Speaker(
            locale=locale,
            voice=config["VOICE_DE"] if locale == "de" else config["VOICE_NL"],
            audio_url=_audio_url,
            audio_dir=audio_dir,
            takes=takes,
        )
    return speaker


def _audio_url(locale: str, filename: str) -> str:
    # Absolute: Twilio fetches <Play> media itself (through the proxy when there is one).
    return url_for("audio.recording", locale=locale, filename=filename, _external=True)


def dial_caller_id() -> str | None:
    """The number agents see when the line dials them: the line's own, or the caller's.

    Twilio accepts as `callerId` only the calling number, the called number or a verified
    outgoing number (twilio.com/docs/api/errors/13214); a withheld caller's placeholder would make
    some networks reject the call, so it is replaced by the line's number.
    """
    # The number the caller dialled; over a SIP trunk that is an address: the configured one.
    line = callable_number(request.form.get("To")) or current_app.config["TWILIO_NUMBER"] or None
    if current_app.config["AGENT_CALLER_ID"] == "caller":
        return callable_number(request.form.get("From")) or line
    return line


def _desk_fallback() -> tuple[tuple[str, ...], str]:
    """The languages (the desk's first, then the others) and FALLBACK_NUMBER of the call's desk
    (issue 26); the environment's should even that fail."""
    try:
        desks = current_app.extensions["ivr.desks"]
        found = g.get("ivr_desk") or (
            desks.for_call(request.values.get("To"), request.values.get("From"))
            if len(desks) > 1
            else current_app.extensions["ivr.desk"]
        )
    except Exception:  # the safety net itself must not fail
        return tuple(LOCALES), current_app.config["FALLBACK_NUMBER"]
    others = tuple(locale for locale in LOCALES if locale not in found.languages)
    return (*found.languages, *others), found.fallback_number


def fallback_response() -> VoiceResponse:
    """Apologise in both languages, then reach a person or at least keep the caller's message."""
    response = VoiceResponse()
    languages, number = _desk_fallback()
    speakers = [speaker_for(locale) for locale in languages]
    for speaker in speakers:
        speaker.speak(response, APOLOGY)
    if number:
        for speaker in speakers:
            speaker.speak(response, APOLOGY_CONNECTING)
        # Unanswered, the caller still leaves a message (voice.safe_dialled).
        response.dial(
            number,
            action=url_for("voice.safe_dialled"),
            method="POST",
            timeout=current_app.config["DIAL_TIMEOUT_SECONDS"],
            caller_id=dial_caller_id(),
        )
        return response
    return record_message(response)


def record_message(response: VoiceResponse) -> VoiceResponse:
    """The last resort: the caller's message, kept even when the database is down."""
    for locale in LOCALES:
        speaker_for(locale).speak(response, APOLOGY_RECORD)
    response.record(
        action=url_for("voice.safe_recorded"),
        max_length=current_app.config["RECORDING_MAX_SECONDS"],
        finish_on_key="#",
        recording_status_callback=url_for("voice.safe_recorded"),
    )
    return response
