"""Digits from other scripts: str.isdigit() takes "²" and "٢", int() refuses "²". Every number
the line reads from Twilio's query strings and caller IDs is ASCII digits or nothing."""

from __future__ import annotations

import logging
from urllib.parse import quote

import pytest
from flask import Flask

from ivr.caller_id import callable_number
from ivr.domain.text_input import whole_number
from ivr.phone.transport import InProcess
from tests.conftest import TOKEN
from tests.twiml import parse

FOREIGN = ["²", "٢", "1²", "١٢٣", "৩"]
CALL = {
    "CallSid": "CA" + "7" * 32,
    "From": "+31612345678",
    "To": "+31413741742",
    "AccountSid": "AC" + "0" * 32,
    "Digits": "1",
}


@pytest.mark.parametrize("text", FOREIGN)
def test_other_scripts_digits_are_no_number(text: str) -> None:
    assert text.isdigit()  # what the line used to trust
    assert whole_number(text, 11) is None


def test_ascii_digits_within_the_length_are_a_number() -> None:
    assert whole_number("0", 1) == 0
    assert whole_number("12345678901", 11) == 12345678901
    assert whole_number("123456789012", 11) is None
    assert whole_number("", 3) is None
    assert whole_number("-1", 3) is None


@pytest.mark.parametrize("number", ["+1٢012000000", "+3161234567٨", "+31²12345678"])
def test_a_caller_id_in_other_digits_is_no_number(number: str) -> None:
    assert callable_number(number) is None


@pytest.mark.parametrize(
    "path", ["/voice/offer/answer?offer={}", "/voice/callback/screened?offer={}&lang=nl"]
)
@pytest.mark.parametrize("offer", FOREIGN)
def test_a_foreign_offer_id_gets_the_answer_of_an_unknown_one(
    app: Flask, caplog, path: str, offer: str
) -> None:
    phone = InProcess(app, token=TOKEN)
    unknown = phone.post(path.format("abc"), CALL)
    with caplog.at_level(logging.WARNING):
        foreign = phone.post(path.format(quote(offer)), CALL)
    assert foreign.status == 200
    parse(foreign.body)
    assert foreign.body == unknown.body  # not the safety net's apology
    assert "failed" not in caplog.text
