"""What a caller ID is worth: a real phone number, or "no number" (withheld, SIP, client, junk).

Twilio passes on what the network sent. A caller who withholds their number arrives as a word
(`anonymous`, `Restricted`, `Unavailable`, ...) or, on some carriers and on `<Dial>` legs before
Twilio's change of 2022-11-16, as that word spelled on a phone keypad: `+266696687` (ANONYMOUS),
`+7378742833` (RESTRICTED), `+86282452253` (UNAVAILABLE), `+8656696` (UNKNOWN), `+2562533`
(BLOCKED) (twilio.com/changelog/upcoming-changes-to-withheld-caller-ids-behavior-for-dial-calls).
SIP and Voice SDK callers arrive as `sip:...` and `client:...` addresses. None of these may be
remembered, read back or called back. Rather than trusting a list, only a number that
`phonenumbers` finds valid and that is written in E.164 counts; the list documents the known
placeholders and guards against a numbering plan that one day makes one of them valid.
"""

from __future__ import annotations

import functools
import re

import phonenumbers

KEYPAD_PLACEHOLDERS = frozenset(
    {"+266696687", "+7378742833", "+86282452253", "+8656696", "+2562533"}
)
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")  # ASCII digits: \d also takes "٢"


def callable_number(raw: str | None) -> str | None:
    """The caller's number in E.164 when it is a real one, else None ("no number")."""
    number = (raw or "").strip()
    if not E164.match(number) or number in KEYPAD_PLACEHOLDERS:
        return None
    return number if valid_number(number) else None


@functools.lru_cache(maxsize=4096)
def valid_number(number: str) -> bool:
    """`phonenumbers`' verdict on an E.164 string (about 50 µs): kept per worker, as a call's
    every webhook asks about the same number, and the answer depends on nothing else."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(parsed))
