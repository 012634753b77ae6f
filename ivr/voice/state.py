"""What the call flow knows about a call so far, carried in the URLs of its TwiML.

Twilio signs each URL it requests, so this state cannot be forged, and any worker can answer any
step, with or without the database.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from werkzeug.datastructures import MultiDict

from ivr.domain.call_flow import MAX_ATTEMPTS, MENUS, Step
from ivr.domain.reference import is_valid_reference
from ivr.domain.text_input import whole_number
from ivr.i18n import DEFAULT_LOCALE, LOCALES

KINDS = ("incident", "question", "standard_change")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@functools.cache
def _allowed(step: Step) -> tuple[str, ...]:
    return tuple(choice.value for choice in MENUS[step].choices)


@dataclass(frozen=True)
class CallState:
    lang: str = DEFAULT_LOCALE
    kind: str = ""
    impact: str = ""
    severity: str = ""
    ref: str = ""
    attempt: int = 0
    asap: bool = False  # in hours but no agent answered: pick the report up at once
    # When the incident was received (microseconds since the epoch): every SLA clock starts
    # there, and the caller hears deadlines from it even if the database could not be read.
    rcv: int = 0
    hinted: bool = False  # "star repeats" has been said: once per call
    summarised: bool = False  # the caller was asked for one sentence: once per call
    known: bool = False  # a returning caller: the purpose menu offers the status of a report

    @classmethod
    def from_query(cls, args: MultiDict[str, str]) -> CallState:
        """Read the state back, dropping anything that is not a value the flow produces."""

        def pick(name: str, allowed: tuple[str, ...]) -> str:
            value = args.get(name, "")
            return value if value in allowed else ""

        ref = args.get("ref", "")
        attempt = args.get("attempt", "0")
        rcv = args.get("rcv", "")
        return cls(
            lang=pick("lang", LOCALES) or DEFAULT_LOCALE,
            kind=pick("kind", KINDS),
            impact=pick("impact", _allowed(Step.IMPACT)),
            severity=pick("severity", _allowed(Step.SEVERITY)),
            ref=ref if is_valid_reference(ref) else "",
            attempt=min(whole_number(attempt, 3) or 0, MAX_ATTEMPTS),
            asap=args.get("asap") == "1",
            hinted=args.get("hinted") == "1",
            summarised=args.get("summarised") == "1",
            known=args.get("known") == "1",
            rcv=whole_number(rcv, 16) or 0,  # before 2287
        )

    def query(self) -> dict[str, Any]:
        """URL parameters for the next step: only what is set, so URLs stay short."""
        values = {name: getattr(self, name) for name in _FIELDS}  # asdict() deep-copies: slow
        values["asap"] = "1" if self.asap else ""
        values["hinted"] = "1" if self.hinted else ""
        values["summarised"] = "1" if self.summarised else ""
        values["known"] = "1" if self.known else ""
        return {k: v for k, v in values.items() if v not in ("", 0)}

    def but(self, **changes: Any) -> CallState:
        return replace(self, **changes)

    @property
    def received_at(self) -> datetime | None:
        return EPOCH + timedelta(microseconds=self.rcv) if self.rcv else None

    @staticmethod
    def stamp(at: datetime) -> int:
        """`at` as the `rcv` value: exact to the microsecond, so deadlines match the stored ones."""
        return (at - EPOCH) // timedelta(microseconds=1)

    @property
    def other_lang(self) -> str:
        return "de" if self.lang == "nl" else "nl"


_FIELDS = tuple(f.name for f in fields(CallState))
