"""`callable_number` keeps phonenumbers' verdict per number (issue 30): the same answers."""

from __future__ import annotations

import phonenumbers
from hypothesis import given
from hypothesis import strategies as st

from ivr.caller_id import E164, KEYPAD_PLACEHOLDERS, callable_number, valid_number

NUMBERS = st.one_of(
    st.from_regex(r"\A\+[1-9]\d{6,14}\Z"),
    st.sampled_from(
        [*KEYPAD_PLACEHOLDERS, "+31612345678", "+4915112345678", "+31000000", "anonymous", ""]
    ),
    st.text(max_size=16),
)


def uncached(raw: str) -> str | None:
    """`callable_number` as it was before the cache."""
    number = (raw or "").strip()
    if not E164.match(number) or number in KEYPAD_PLACEHOLDERS:
        return None
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(parsed) else None


@given(NUMBERS)
def test_the_kept_verdict_is_phonenumbers_own(raw: str) -> None:
    assert callable_number(raw) == uncached(raw)
    assert callable_number(raw) == callable_number(raw)  # asked again: from the cache


def test_the_cache_is_bounded() -> None:
    assert valid_number.cache_info().maxsize == 4096
