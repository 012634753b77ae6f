"""Phone numbers are personal data: masked in logs, hashed where only identity matters."""

from __future__ import annotations

import hashlib
import hmac
import re


def mask_number(number: str | None) -> str:
    """`+31612345678` -> `+316******78`: enough to tell calls apart in a log, not to call back."""
    if not number:
        return "-"
    if len(number) <= 6:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 6) + number[-2:]


def caller_key(number: str, secret: str) -> str:
    """A stable pseudonym for a phone number: remembers a caller without storing the number."""
    return hmac.new(secret.encode(), number.encode(), hashlib.sha256).hexdigest()


def mask_numbers_in(text: str | None) -> str:
    """Every phone-number-like run of digits in a system's message masked, for a log line."""
    return re.sub(r"\+?\d[\d ()-]{5,}\d", lambda m: mask_number(m.group()), text or "")
