"""TwiML as an HTTP answer, and the last-resort answer when anything else failed."""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, url_for
from twilio.twiml.voice_response import VoiceResponse

from ivr.i18n import LOCALES
from ivr.voice.prompts import APOLOGY, APOLOGY_CONNECTING, APOLOGY_RECORD
from ivr.voice.speaker import Speaker


def twiml(response: VoiceResponse) -> Response:
    return Response(str(response), status=200, mimetype="text/xml")


def speaker_for(locale: str) -> Speaker:
    config = current_app.config
    voice = config["VOICE_DE"] if locale == "de" else config["VOICE_NL"]
    return Speaker(
        locale=locale, voice=voice, audio_url=_audio_url, audio_dir=Path(config["AUDIO_DIR"])
    )


def _audio_url(locale: str, filename: str) -> str:
    # Absolute: Twilio fetches <Play> media itself (through the proxy when there is one).
    return url_for("audio.recording", locale=locale, filename=filename, _external=True)


def fallback_response() -> VoiceResponse:
    """Apologise in both languages, then reach a person or at least keep the caller's message."""
    response = VoiceResponse()
    speakers = [speaker_for(locale) for locale in LOCALES]
    for speaker in speakers:
        speaker.speak(response, APOLOGY)
    number = current_app.config["FALLBACK_NUMBER"]
    if number:
        for speaker in speakers:
            speaker.speak(response, APOLOGY_CONNECTING)
        response.dial(number)
        return response
    for speaker in speakers:
        speaker.speak(response, APOLOGY_RECORD)
    response.record(
        action=url_for("voice.safe_recorded"),
        max_length=current_app.config["RECORDING_MAX_SECONDS"],
        finish_on_key="#",
        recording_status_callback=url_for("voice.safe_recorded"),
    )
    return response
