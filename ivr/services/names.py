"""Names people type (users, agents, tokens): trimmed, not empty, bounded, printable."""

from __future__ import annotations

from ivr.domain.explained import Explained
from ivr.domain.text_input import clean_text


def checked_name(
    text: str, what: str, max_length: int, error: type[ValueError] = ValueError
) -> str:
    """`text` trimmed; `error` naming `what` when empty, too long or with control characters."""
    try:
        return clean_text(text, what, max_length, collapse=False)
    except Explained as refused:
        raise _error(error, refused.message, **refused.params) from None


def _error(error: type[ValueError], message: str, **params: object) -> ValueError:
    """The error with its parts kept apart when it can carry them (the console translates)."""
    if issubclass(error, Explained):
        return error(message, **params)
    return error(message % params)
