"""How the Twilio-like client reaches the app: in-process or over HTTP, signed as Twilio signs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlencode, urljoin, urlsplit

from twilio.request_validator import RequestValidator

from ivr.voice.security import SignedValues

if TYPE_CHECKING:
    from flask import Flask

Form = Mapping[str, str] | Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    content_type: str


class Transport(Protocol):
    base_url: str

    def post(self, url: str, form: Form, headers: Mapping[str, str] | None = None) -> Reply: ...


def signature(token: str, url: str, form: Form) -> str:
    """X-Twilio-Signature exactly as Twilio computes it (the twilio library's own code)."""
    pairs = list(form.items()) if isinstance(form, Mapping) else list(form)
    params: dict[str, list[str]] = {}
    for key, value in pairs:
        params.setdefault(key, []).append(value)
    return RequestValidator(token).compute_signature(url, SignedValues(params))


def absolute(base_url: str, url: str) -> str:
    """Resolve a TwiML URL against the request URL, as Twilio does with relative URLs."""
    return urljoin(base_url, url)


@dataclass
class InProcess:
    """Drives a Flask app through its test client; the URLs look like Twilio's public ones."""

    app: Flask
    token: str | None = None
    base_url: str = "https://ivr.example.test/voice/incoming"

    def post(self, url: str, form: Form, headers: Mapping[str, str] | None = None) -> Reply:
        full = absolute(self.base_url, url)
        all_headers = dict(headers or {})
        if self.token:
            all_headers["X-Twilio-Signature"] = signature(self.token, full, form)
        parts = urlsplit(full)
        client = self.app.test_client()
        response = client.post(
            parts.path + (f"?{parts.query}" if parts.query else ""),
            data=urlencode(list(form.items()) if isinstance(form, Mapping) else list(form)),
            content_type="application/x-www-form-urlencoded",
            headers=all_headers,
            base_url=f"{parts.scheme}://{parts.netloc}",
        )
        return Reply(
            response.status_code, response.get_data(as_text=True), response.content_type or ""
        )


@dataclass
class OverHttp:
    """Drives a running server (gunicorn, a tunnel) the way Twilio does."""

    base_url: str
    token: str | None = None
    timeout: float = 15.0  # Twilio gives a webhook 15 seconds

    def post(self, url: str, form: Form, headers: Mapping[str, str] | None = None) -> Reply:
        import requests

        full = absolute(self.base_url, url)
        all_headers = dict(headers or {})
        if self.token:
            all_headers["X-Twilio-Signature"] = signature(self.token, full, form)
        data = list(form.items()) if isinstance(form, Mapping) else list(form)
        response = requests.post(full, data=data, headers=all_headers, timeout=self.timeout)
        return Reply(response.status_code, response.text, response.headers.get("Content-Type", ""))
