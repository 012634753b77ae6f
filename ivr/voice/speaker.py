"""Turns prompts into `<Say>` or `<Play>` in the caller's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ivr.i18n import PROMPTS_DIR, render
from ivr.prompts import Prompt

SAY_LANGUAGE = {"nl": "nl-NL", "de": "de-DE"}
AUDIO_SUFFIXES = (".mp3", ".wav")


class TwimlParent(Protocol):
    def say(self, message: str | None = None, **kwargs: object) -> object: ...
    def play(self, url: str | None = None, **kwargs: object) -> object: ...


@dataclass(frozen=True)
class Speaker:
    locale: str
    voice: str
    audio_url: Callable[[str, str], str] = lambda locale, name: f"/audio/{locale}/{name}"
    audio_dir: Path = PROMPTS_DIR / "audio"

    def text(self, prompt: Prompt, **params: object) -> str:
        return render(prompt, self.locale, **params)

    def speak(self, parent: TwimlParent, prompt: Prompt, **params: object) -> None:
        """Recorded audio where a studio take exists; dynamic text is always synthesised."""
        recording = None if params else self.recording(prompt)
        if recording is not None:
            parent.play(self.audio_url(self.locale, recording.name))
        else:
            parent.say(
                self.text(prompt, **params), voice=self.voice, language=SAY_LANGUAGE[self.locale]
            )

    def say_text(self, parent: TwimlParent, text: str) -> None:
        parent.say(text, voice=self.voice, language=SAY_LANGUAGE[self.locale])

    def recording(self, prompt: Prompt) -> Path | None:
        for suffix in AUDIO_SUFFIXES:
            path = self.audio_dir / self.locale / f"{prompt.id}{suffix}"
            if path.is_file():
                return path
        return None
