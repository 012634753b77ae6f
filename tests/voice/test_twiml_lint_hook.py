"""The TwiML lint (tests/support/twiml_lint.py) is applied to the app's answers in every test
(hooked in by tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ivr.phone.twilio_call import TwilioCall
from tests.support import twiml_lint


def test_the_apps_answers_are_linted_in_the_tests(
    phone: Callable[..., TwilioCall], monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    original = twiml_lint.check

    def spy(body: str, context: str = "call") -> None:
        checked.append(context)
        original(body, context)

    monkeypatch.setattr(twiml_lint, "check", spy)
    call = phone()
    call.start()
    call.press("1")
    assert len(checked) >= 2 and set(checked) == {"call"}  # each answer went through the lint
