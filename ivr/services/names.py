"""Names people type (users, agents, tokens): trimmed, not empty, bounded, printable."""

from __future__ import annotations

import unicodedata

from ivr.domain.explained import Explained

# Control, format, surrogate, private-use and unassigned characters: NUL and friends.
_UNPRINTABLE = {"Cc", "Cf", "Cs", "Co", "Cn"}


def checked_name(
    text: str, what: str, max_length: int, error: type[ValueError] = ValueError
) -> str:
    """`text` trimmed; `error` naming `what` when empty, too long or with control characters."""
    name = text.strip()
    if not name:
        raise _error(error, "%(what)s must not be empty", what=what)
    if len(name) > max_length:
        raise _error(
            error,
            "%(what)s has at most %(most)d characters (%(given)d given)",
            what=what,
            most=max_length,
            given=len(name),
        )
    if any(unicodedata.category(ch) in _UNPRINTABLE for ch in name):
        raise _error(error, "%(what)s must not contain control characters", what=what)
    return name


def _error(error: type[ValueError], message: str, **params: object) -> ValueError:
    """The error with its parts kept apart when it can carry them (the console translates)."""
    if issubclass(error, Explained):
        return error(message, **params)
    return error(message % params)
