"""The TwiML for the number's "Primary handler fails" URL: served by Twilio, not by this app.

Twilio requests that URL when it cannot fetch or run the app's TwiML (a deploy, a crash, a
proxy's 502, no answer within 15 s; twilio.com/docs/usage/security/availability-reliability).
So the document may depend on nothing the app serves: it speaks with `<Say>` (no studio audio),
and its `<Dial>` has no `action` (Twilio then goes on with the next verb of this document when
nobody answers: twilio.com/docs/voice/twiml/dial). Only the recording goes back to the app, by
its status callback and action, which succeed once the app is up again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from twilio.twiml.voice_response import VoiceResponse

from ivr.i18n import LOCALES, render
from ivr.prompts import Prompt
from ivr.voice.prompts import APOLOGY, APOLOGY_CONNECTING, APOLOGY_RECORD
from ivr.voice.speaker import SAY_LANGUAGE


def fallback_document(config: Mapping[str, Any], base_url: str) -> str:
    """The whole document, ready to paste into a TwiML Bin or to serve as a static file."""
    response = VoiceResponse()

    def say_both(prompt: Prompt) -> None:
        for locale in LOCALES:
            voice = config["VOICE_DE"] if locale == "de" else config["VOICE_NL"]
            response.say(render(prompt, locale), voice=voice, language=SAY_LANGUAGE[locale])

    say_both(APOLOGY)
    if config["FALLBACK_NUMBER"]:
        say_both(APOLOGY_CONNECTING)
        response.dial(
            config["FALLBACK_NUMBER"],
            timeout=config["DIAL_TIMEOUT_SECONDS"],
            caller_id=config.get("TWILIO_NUMBER") or None,
        )
    say_both(APOLOGY_RECORD)
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
    return str(response)
