"""The one input cleaner: every text and date a person or Twilio gives the line passes here.

People (console forms, the API, the CLI) are refused with a reason: control characters, texts
longer than their field, dates outside a window that makes sense for what they mean. Nothing is
cut silently. What Twilio sends (a recognised sentence) cannot be refused to the caller: it is
cleaned instead, and `Cleaned.changes` says what was taken out so the caller of this logs it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from ivr.domain.explained import Explained

# Control, format, surrogate, private-use and unassigned characters: NUL, ESC and friends.
UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Joiners and variation selectors are format characters that emoji and some scripts need.
_KEPT_FORMAT = frozenset({"\u200c", "\u200d", "\ufe0e", "\ufe0f"})


UNBOUNDED = 2**31  # for a caller that checks the length itself, with its own message


class InputRefused(Explained):
    """A text or date that cannot be taken as given; the message says why (translatable)."""


def whole_number(text: str, digits: int) -> int | None:
    """`text` as a whole number of at most `digits` ASCII digits, else None. str.isdigit()
    alone also takes "²" (int() then raises) and other scripts' digits (Arabic-Indic "٢"),
    and int() of thousands of digits raises (Python's int max-str-digits limit)."""
    if text.isascii() and text.isdigit() and len(text) <= digits:
        return int(text)
    return None


def printable(ch: str) -> bool:
    return ch in _KEPT_FORMAT or unicodedata.category(ch) not in UNPRINTABLE


def clean_text(
    text: str,
    what: str,
    most: int,
    *,
    required: bool = True,
    collapse: bool = True,
    error: type[Explained] = InputRefused,
) -> str:
    """`text` with its whitespace collapsed to single spaces (or only trimmed), refused with
    `error` naming `what` when empty, longer than `most` or with a control character in it."""
    words = " ".join(text.split()) if collapse else text.strip()
    if required and not words:
        raise error("%(what)s must not be empty", what=what)
    if not all(printable(ch) for ch in words):
        raise error("%(what)s must not contain control characters", what=what)
    if len(words) > most:
        raise error(
            "%(what)s has at most %(most)d characters (%(given)d given)",
            what=what,
            most=most,
            given=len(words),
        )
    return words


def escaped(text: str) -> str:
    """`text` safe to print on a terminal: each unprintable character as its escape (`\\x1b`),
    for texts stored before they were checked."""
    return "".join(ch if printable(ch) else ascii(ch)[1:-1] for ch in text)


@dataclass(frozen=True)
class Cleaned:
    text: str
    changes: tuple[str, ...]  # "control characters removed", "shortened from N characters"


def cleaned_speech(text: str, most: int) -> Cleaned:
    """What a caller said as Twilio recognised it: unprintable characters removed, whitespace
    collapsed, and at most `most` characters (cut at a word where one is near)."""
    changes: list[str] = []
    kept = "".join(ch if printable(ch) else " " for ch in text)
    if kept != text:
        changes.append("control characters removed")
    words = " ".join(kept.split())
    if len(words) > most:
        changes.append(f"shortened from {len(words)} characters")
        cut = words[:most]
        space = cut.rfind(" ")
        words = cut[:space] if space > most * 3 // 4 else cut
    return Cleaned(words, tuple(changes))


def within(
    when: datetime,
    what: str,
    earliest: datetime,
    latest: datetime,
    error: type[Explained] = InputRefused,
) -> datetime:
    """`when` when it lies after `earliest` and no later than `latest`; else refused naming
    `what` and the window (both shown in the desk's time by the console)."""
    if not earliest < when <= latest:
        raise error(
            "%(what)s must lie after %(earliest)s and no later than %(latest)s.",
            what=what,
            earliest=earliest,
            latest=latest,
        )
    return when
