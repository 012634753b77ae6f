"""Prompts in the caller's language, from the compiled catalogs in voice_prompts/."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

from ivr.prompts import Prompt

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "voice_prompts"
LOCALES = ("nl", "de")
AUDIO_SUFFIXES = (".mp3", ".wav")  # studio recordings the line plays; the first one wins
DEFAULT_LOCALE = "nl"


@cache
def translations(locale: str) -> NullTranslations:
    return Translations.load(str(PROMPTS_DIR), [locale], domain="messages")


def render(prompt: Prompt, locale: str, **params: object) -> str:
    """The prompt's text in `locale` with its placeholders filled in."""
    text = translations(locale).pgettext(prompt.id, prompt.source)
    return text.format(**params) if params else text
