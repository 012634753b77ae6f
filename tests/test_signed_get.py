"""A number configured with GET by mistake is told so loudly instead of answering every caller."""

from __future__ import annotations

import logging

from flask import Flask

from ivr.phone.transport import signature
from tests.conftest import TOKEN

BASE = "https://ivr.example.test"


def _signed_get(app: Flask, path: str):  # type: ignore[no-untyped-def]
    query = "CallSid=CA1&From=%2B31612345678&To=%2B31413741742"
    url = f"{BASE}{path}?{query}"
    return app.test_client().get(
        f"{path}?{query}",
        base_url=BASE,
        headers={"X-Twilio-Signature": signature(TOKEN, url, {})},
    )


def test_signed_get_to_a_voice_url_is_refused_with_405(app: Flask, caplog) -> None:
    with caplog.at_level(logging.ERROR):
        response = _signed_get(app, "/voice/incoming")
    assert response.status_code == 405
    assert "POST" in response.headers.get("Allow", "")
    assert b"<Response" not in response.data
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and "GET" in errors[0].getMessage() and "POST" in errors[0].getMessage()


def test_signed_get_to_any_voice_step_is_refused_with_405(app: Flask) -> None:
    for path in ("/voice/status", "/voice/menu/language", "/voice/route"):
        assert _signed_get(app, path).status_code == 405, path


def test_unsigned_get_is_still_refused_with_403(client) -> None:
    assert client.get("/voice/incoming").status_code == 403
