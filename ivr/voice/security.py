"""Only Twilio may drive the phone line: X-Twilio-Signature checks, correct behind a TLS proxy."""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlparse

from flask import Flask, abort, current_app, request
from twilio.request_validator import (
    HMAC_SHA1,
    HMAC_SHA256,
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    add_port,
    get_signature_algorithm,
    remove_port,
)
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    hops = app.config["PROXY_TRUSTED_HOPS"]
    if hops:
        # The proxy terminates TLS; Twilio signed https://public-host/..., so rebuild that URL.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )


WARNED = "IVR_TOKEN_WARNED"  # set by gunicorn's master once it said it: workers stay quiet


def token_warning(config: Mapping[str, Any]) -> str | None:
    """What to say when webhooks are served without TWILIO_AUTH_TOKEN (None: nothing)."""
    if config["TWILIO_AUTH_TOKEN"]:
        return None
    if config["IVR_DEV_UNSIGNED"]:
        return (
            "!!! TWILIO_AUTH_TOKEN is not set and IVR_DEV_UNSIGNED=1: webhooks are NOT "
            "verified. Anyone can drive this phone line. Never run like this in production. !!!"
        )
    return "TWILIO_AUTH_TOKEN is not set: every /voice request will be refused (403)"


def _warn_once_when_serving() -> None:
    """Said at the first webhook a process serves, not by every CLI command that builds the app."""
    app = current_app
    if app.extensions.get(WARNED) or os.environ.get(WARNED):
        return
    app.extensions[WARNED] = True
    message = token_warning(app.config)
    if message:
        log.warning(message)


def signed_url() -> str:
    """The URL exactly as Twilio requested it: scheme and host as forwarded, raw path and query."""
    req = request._get_current_object()  # type: ignore[attr-defined]  (once, not per attribute)
    raw = req.environ.get("RAW_URI") or req.environ.get("REQUEST_URI")
    if raw and raw.startswith("/"):  # gunicorn and werkzeug keep the path as it was sent
        return f"{req.scheme}://{req.host}{req.script_root}{raw}"
    url = f"{req.scheme}://{req.host}{quote(req.script_root + req.path)}"
    if req.query_string:
        url += "?" + req.query_string.decode("latin-1")
    return url


class OneHmacValidator(RequestValidator):
    """The twilio library's validator, computing one HMAC where it computes two.

    `RequestValidator.validate` signs the URL both without and with the default port (Twilio is
    inconsistent about which it signed) and accepts either. This accepts the same two, but stops
    at the first that matches: Twilio signs public URLs without a port, so one HMAC a webhook.
    The signatures themselves are the library's (`compute_signature`); JSON bodies and unknown
    algorithms go the library's own way.
    """

    def validate(self, uri: str, params: Any, signature: str, algorithm: str | None = None) -> bool:
        if isinstance(params, str) or (algorithm or HMAC_SHA1).upper() not in _ALGORITHMS:
            return bool(super().validate(uri, params, signature, algorithm))
        parsed = urlparse(uri)
        expected = signature.encode()
        return any(
            hmac.compare_digest(self.compute_signature(url, params, algorithm).encode(), expected)
            for url in (remove_port(parsed), add_port(parsed))
        )


_ALGORITHMS = (HMAC_SHA1, HMAC_SHA256)


def _validator(token: str) -> RequestValidator:
    """One validator per app (the token is fixed at start-up)."""
    validator = current_app.extensions.get("ivr.request_validator")
    if validator is None or validator.token != token.encode():
        validator = current_app.extensions["ivr.request_validator"] = OneHmacValidator(token)
    return validator


def require_twilio_signature() -> None:
    token = current_app.config["TWILIO_AUTH_TOKEN"]
    if not token:
        _warn_once_when_serving()
        if current_app.config["IVR_DEV_UNSIGNED"]:
            return
        abort(403)
    req = request._get_current_object()  # type: ignore[attr-defined]
    signature = req.headers.get(SIGNATURE_HEADER, "")
    params = req.form if req.method == "POST" else {}
    algorithm = get_signature_algorithm(req.headers.get(SIGNATURE_SETTINGS_HEADER))
    if not signature or not _validator(token).validate(signed_url(), params, signature, algorithm):
        log.warning("refused unsigned or wrongly signed request to %s", req.path)
        abort(403)
