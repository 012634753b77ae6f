"""The `<Gather>` speech models the line may name for nl-NL and de-DE, checked at start."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGUAGES = ("nl-NL", "de-DE")

# speechModel -> the languages its provider documents. Twilio's <Gather> passes `language` on to
# the model's provider and a pair the provider does not support fails the gather with warning
# 13331 (twilio.com/docs/voice/twiml/gather, "speechModel" and "Speech-to-text provider
# changes"; twilio.com/docs/api/errors/13331). Twilio's own per-model language table was not in
# the stored copy of its docs, so each pair cites the provider's page:
# - deepgram_nova-2: Dutch and German since 2024-05-14
#   (developers.deepgram.com/changelog/2024/5/14, .../docs/models-languages-overview)
# - deepgram_nova-3: monolingual Dutch and German since 2025-08-15
#   (developers.deepgram.com/changelog/2025/8/15)
# - googlev2_telephony: Google STT V2's `telephony` model, listed per language in Google's table
#   (docs.cloud.google.com/speech-to-text/docs/speech-to-text-supported-languages); the stored
#   copy available when this table was written did not show the nl-NL and de-DE rows, so check
#   them (and Twilio's debugger for 13331 after a first test call) before relying on it.
# Add a model here only with the page that names both languages.
SPEECH_MODELS: Mapping[str, frozenset[str]] = {
    "deepgram_nova-2": frozenset({"nl-NL", "de-DE"}),
    "deepgram_nova-3": frozenset({"nl-NL", "de-DE"}),
    "googlev2_telephony": frozenset({"nl-NL", "de-DE"}),
}

MODEL_SETTINGS = ("SPEECH_MODEL", "SUMMARY_SPEECH_MODEL")


class SpeechModelError(ValueError):
    """A speech model setting Twilio would refuse on a live call."""


def check_speech_models(config: Mapping[str, Any]) -> None:
    """Refuse at start a model (or model/language pair) not documented for nl-NL and de-DE."""
    for name in MODEL_SETTINGS:
        model = (config.get(name) or "").strip()
        if not model:
            continue  # Twilio chooses the provider and model for the language
        known = SPEECH_MODELS.get(model)
        if known is None:
            raise SpeechModelError(
                f"{name}={model!r} is not a speech model documented for nl-NL and de-DE; "
                f"use one of {', '.join(sorted(SPEECH_MODELS))} or leave it empty"
            )
        missing = [lang for lang in LANGUAGES if lang not in known]
        if missing:
            raise SpeechModelError(
                f"{name}={model!r} does not support {', '.join(missing)} "
                "(the line listens in nl-NL and de-DE)"
            )
    if int(config.get("SPEECH_TIMEOUT_SECONDS", 1)) < 1:
        raise SpeechModelError("SPEECH_TIMEOUT_SECONDS must be a positive whole number of seconds")


def speech_timeout(config: Mapping[str, Any], model: str | None) -> str:
    """`speechTimeout` for a `<Gather>`: a positive integer with a speechModel, never "auto".

    Twilio: "requires you to set speechTimeout to a positive integer value. Don't use auto."
    (twilio.com/docs/voice/twiml/gather, "speechModel"; warning 13335,
    twilio.com/docs/api/errors/13335).
    """
    return str(config["SPEECH_TIMEOUT_SECONDS"]) if model else "auto"
