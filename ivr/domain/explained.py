"""Errors that say why in English, with their names and numbers kept apart.

A service or domain rule raises `Explained("There is no incident %(reference)s.",
reference=...)`: `str(exc)` is the English sentence (the CLI and the logs show it), and the
console looks `exc.message` up in its catalog and fills in `exc.params` in the user's language
(ivr/console/messages.py).
"""

from __future__ import annotations


class Explained(ValueError):
    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message, self.params = message, params
