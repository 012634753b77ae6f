"""Incident references a caller can read out: 7 random digits and a Luhn check digit."""

from __future__ import annotations

import secrets
from random import Random

LENGTH = 8


def _luhn_digit(payload: str) -> str:
    total = 0
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:  # doubled: these become odd positions once the check digit is added
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


def new_reference(rng: Random | None = None) -> str:
    """A fresh reference; the check digit catches a misheard or mistyped digit."""
    if rng is None:
        payload = "".join(secrets.choice("0123456789") for _ in range(LENGTH - 1))
    else:
        payload = "".join(rng.choice("0123456789") for _ in range(LENGTH - 1))
    return payload + _luhn_digit(payload)


def is_valid_reference(text: str) -> bool:
    digits = text.replace(" ", "")
    return len(digits) == LENGTH and digits.isdigit() and _luhn_digit(digits[:-1]) == digits[-1]


def group(reference: str) -> str:
    """`12345678` -> `1234 5678`, the way it is printed and read."""
    return f"{reference[:4]} {reference[4:]}"
