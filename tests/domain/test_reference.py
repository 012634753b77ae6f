"""References callers read out: eight digits, the last a Luhn check digit."""

from __future__ import annotations

from random import Random

import pytest

from ivr.domain.reference import group, is_valid_reference, new_reference

REFERENCES = [new_reference(Random(seed)) for seed in range(200)]


def test_eight_digits_that_check() -> None:
    for reference in REFERENCES:
        assert len(reference) == 8 and reference.isdigit()
        assert is_valid_reference(reference)
    assert len(set(REFERENCES)) == len(REFERENCES)


@pytest.mark.parametrize(("text", "valid"), [("79927398", True), ("7992 7398", True),
                                             ("79927397", False), ("7992739", False),
                                             ("7992739a", False), ("", False)])  # fmt: skip
def test_known_luhn_numbers(text: str, valid: bool) -> None:
    # By hand: payload 7992739, doubling from the right 9,7,9,7 -> 9+5+9+5, plus 3+2+9 = 42 -> 8.
    assert is_valid_reference(text) is valid


def test_every_single_misheard_digit_is_caught() -> None:
    for reference in REFERENCES[:50]:
        for position in range(8):
            for digit in "0123456789":
                if digit != reference[position]:
                    wrong = reference[:position] + digit + reference[position + 1 :]
                    assert not is_valid_reference(wrong), (reference, wrong)


def test_swapped_neighbours_are_caught_except_09_and_90() -> None:
    for reference in REFERENCES:
        for i in range(7):
            a, b = reference[i], reference[i + 1]
            if a == b:
                continue
            swapped = reference[:i] + b + a + reference[i + 2 :]
            assert is_valid_reference(swapped) is ({a, b} == {"0", "9"}), (reference, swapped)


def test_grouped_for_reading() -> None:
    assert group("12345678") == "1234 5678"
