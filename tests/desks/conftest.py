"""Two desks on one line (issue 26): a DESKS_FILE written for the test, and calls to each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN

OZMO_NUMBER = "+31413741742"
BAYERN_NUMBER = "+498912345678"
DUTCH_CALLER = "+31612345678"
GERMAN_CALLER = "+4915123456789"

TWO_DESKS = f"""
[desk.ozmo]
name = "OZMO helpdesk"
numbers = ["{OZMO_NUMBER}"]
languages = ["nl", "de"]
opening_hours = "mon-fri 08:30-17:00"
timezone = "Europe/Amsterdam"
holidays = "NL"
fallback_number = "+31201234567"
messages_from = "+31970102030"

[desk.bayern]
name = "Servicedesk Bayern"
numbers = ["{BAYERN_NUMBER}"]
languages = ["de", "nl"]
opening_hours = "mon-fri 08:00-17:30"
timezone = "Europe/Berlin"
holidays = "DE"
holiday_subdivision = "BY"
fallback_number = "+49891111111"
messages_from = "+4915799999999"
"""


@pytest.fixture
def desks_file(tmp_path: Path) -> Path:
    path = tmp_path / "desks.toml"
    path.write_text(TWO_DESKS, encoding="utf-8")
    return path


@pytest.fixture
def two_desks(make_app: Callable[..., Flask], desks_file: Path) -> Flask:
    return make_app(DESKS_FILE=str(desks_file))


def dial(app: Flask, number: str, caller: str = DUTCH_CALLER) -> TwilioCall:
    """A caller dialling `number`, signed as Twilio signs."""
    return TwilioCall(InProcess(app, token=TOKEN), from_number=caller, to_number=number)
