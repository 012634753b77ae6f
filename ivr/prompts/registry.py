"""The registry of everything a caller can hear: an id and an English source text per prompt.

Dutch and German texts live in the gettext catalogs under `voice_prompts/`; the prompt id is the
gettext context, so `pybabel extract -k prompt:1c,2` finds every prompt declared in `ivr.prompts`.
"""

from __future__ import annotations

from dataclasses import dataclass

REGISTRY: dict[str, Prompt] = {}


@dataclass(frozen=True)
class Prompt:
    id: str
    source: str

    @property
    def has_placeholders(self) -> bool:
        return "{" in self.source


def prompt(prompt_id: str, source: str) -> Prompt:
    """Declare a prompt once, at import time; a second declaration with the same id is a bug."""
    if prompt_id in REGISTRY and REGISTRY[prompt_id].source != source:
        raise ValueError(f"prompt {prompt_id!r} declared twice with different texts")
    REGISTRY[prompt_id] = Prompt(prompt_id, source)
    return REGISTRY[prompt_id]
