"""Numbers read from a Twilio webhook, each with a bound: out of range is logged and absent."""

from __future__ import annotations

import logging

from ivr.voice.context import call_sid, field

log = logging.getLogger(__name__)

# No call Twilio places or answers lasts longer than 24 hours (the Call resource's TimeLimit
# tops out there, twilio.com/docs/voice/api/call-resource), so neither does a recording or a
# wait in a queue; a larger value is not Twilio's and would overflow the database's integer.
MAX_SECONDS = 24 * 60 * 60


def seconds(name: str) -> int | None:
    """A duration in whole seconds (CallDuration, RecordingDuration, QueueTime...), or None."""
    return whole(name, MAX_SECONDS)


def whole(name: str, maximum: int) -> int | None:
    """A whole number from 0 to `maximum`; anything else is logged and taken as absent."""
    raw = field(name)
    if not raw:
        return None
    if raw.isascii() and raw.isdigit() and len(raw) <= len(str(maximum)) and int(raw) <= maximum:
        return int(raw)
    _out_of_range(name, raw)
    return None


def fraction(name: str) -> float | None:
    """A number from 0 to 1 (Confidence), or None."""
    raw = field(name)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if 0.0 <= value <= 1.0:
        return value
    _out_of_range(name, raw)
    return None


def _out_of_range(name: str, raw: str) -> None:
    log.warning("call %s: %s=%r is out of range, taken as absent", call_sid(), name, raw[:32])
