"""Turns prompts into `<Say>` or `<Play>` in the caller's language."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ivr.i18n import AUDIO_SUFFIXES, PROMPTS_DIR, render
from ivr.prompts import Prompt

SAY_LANGUAGE = {"nl": "nl-NL", "de": "de-DE"}


class TwimlParent(Protocol):
    def say(self, message: str | None = None, **kwargs: object) -> object: ...
    def play(self, url: str | None = None, **kwargs: object) -> object: ...


class StudioTakes:
    """Which prompts have a studio recording: the folder is listed once, and again after `seconds`.

    Looking for two files before every prompt cost more than building the prompt's TwiML; a new
    take reaches callers within `seconds` (a restart or gunicorn's HUP re-lists at once).
    """

    def __init__(self, audio_dir: Path, seconds: float = 30.0) -> None:
        self.audio_dir, self.seconds = audio_dir, seconds
        self._listed: tuple[float, dict[tuple[str, str], Path]] | None = None

    def find(self, locale: str, prompt_id: str) -> Path | None:
        listed = self._listed
        if listed is None or time.monotonic() - listed[0] >= self.seconds:
            listed = (time.monotonic(), self._list())
            self._listed = listed  # one assignment: readers in other threads see old or new
        return listed[1].get((locale, prompt_id))

    def _list(self) -> dict[tuple[str, str], Path]:
        takes: dict[tuple[str, str], Path] = {}
        for suffix in reversed(AUDIO_SUFFIXES):  # the first suffix wins, as before
            for path in self.audio_dir.glob(f"*/*{suffix}"):
                if path.is_file():
                    takes[(path.parent.name, path.name.removesuffix(suffix))] = path
        return takes


@dataclass(frozen=True)
class Speaker:
    locale: str
    voice: str
    audio_url: Callable[[str, str], str] = lambda locale, name: f"/audio/{locale}/{name}"
    audio_dir: Path = PROMPTS_DIR / "audio"
    takes: StudioTakes | None = None  # without: the folder is looked at for every prompt

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
        if self.takes is not None:
            return self.takes.find(self.locale, prompt.id)
        for suffix in AUDIO_SUFFIXES:
            path = self.audio_dir / self.locale / f"{prompt.id}{suffix}"
            if path.is_file():
                return path
        return None
