"""Names people type (users, agents, tokens): trimmed, not empty, bounded, printable."""

from __future__ import annotations

import unicodedata

# Control, format, surrogate, private-use and unassigned characters: NUL and friends.
_UNPRINTABLE = {"Cc", "Cf", "Cs", "Co", "Cn"}


def checked_name(
    text: str, what: str, max_length: int, error: type[ValueError] = ValueError
) -> str:
    """`text` trimmed; `error` naming `what` when empty, too long or with control characters."""
    name = text.strip()
    if not name:
        raise error(f"{what} must not be empty")
    if len(name) > max_length:
        raise error(f"{what} has at most {max_length} characters ({len(name)} given)")
    if any(unicodedata.category(ch) in _UNPRINTABLE for ch in name):
        raise error(f"{what} must not contain control characters")
    return name
