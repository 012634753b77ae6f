"""The desks of one deployment, and the desk a dialled number reaches (issue 26).

Found in memory from the number dialled: no statement per webhook. Without DESKS_FILE the
environment's settings form the one desk, `default`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ivr.services.desk import Desk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Desks:
    """Every desk in declaration order; the first takes calls to numbers no desk claims."""

    all: tuple[Desk, ...]
    _by_number: Mapping[str, Desk] = field(init=False, repr=False, compare=False)
    _by_key: Mapping[str, Desk] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.all:
            raise ValueError("a line needs at least one desk")
        numbers = {number: desk for desk in self.all for number in desk.numbers}
        object.__setattr__(self, "_by_number", numbers)
        object.__setattr__(self, "_by_key", {desk.key: desk for desk in self.all})

    @property
    def first(self) -> Desk:
        return self.all[0]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(desk.key for desk in self.all)

    def __iter__(self) -> Iterator[Desk]:
        return iter(self.all)

    def __len__(self) -> int:
        return len(self.all)

    def get(self, key: str | None) -> Desk | None:
        return self._by_key.get(key) if key else None

    def claiming(self, number: str | None) -> Desk | None:
        """The desk that declared `number` as one of its own, if any."""
        return self._by_number.get(number) if number else None

    def for_call(self, dialled: str | None, caller: str | None) -> Desk:
        """The desk of a call: the one claiming the number dialled or, on a call the line
        placed, the number it called from; the first desk otherwise."""
        if len(self.all) == 1:
            return self.all[0]
        return self.claiming(dialled) or self.claiming(caller) or self.for_number(dialled)

    def for_number(self, dialled: str | None) -> Desk:
        """The desk a caller reached by dialling `dialled` (Twilio's `To`)."""
        desk = self._by_number.get(dialled) if dialled else None
        if desk is not None:
            return desk
        if len(self.all) > 1 and dialled:
            # The dialled number is the line's own, not personal data.
            log.warning("no desk claims %s: the call goes to desk %s", dialled, self.first.key)
        return self.first

    def with_first(self, desk: Desk) -> Desks:
        """The same desks with the first one replaced by `desk` (same key, other settings)."""
        return replace(self, all=(desk, *self.all[1:]))


def line_desks(extensions: Mapping[str, Any]) -> Desks:
    """The line's desks from the app's extensions. The first is `extensions["ivr.desk"]`, as it
    was before there were several: whoever replaces that with a desk of the same key (a test, a
    tool) replaces the first; "ivr.desks" replaced as a whole is taken as it is."""
    desks: Desks = extensions["ivr.desks"]
    first: Desk = extensions["ivr.desk"]
    if desks.first is first or desks.first.key != first.key:
        return desks
    return desks.with_first(first)
