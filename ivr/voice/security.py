"""Only Twilio may drive the phone line: X-Twilio-Signature checks (auth token or shared key)."""

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


class SignedValues(dict[str, list[str]]):
    """The form's values by name, as the library's `compute_signature` reads them (`getall`).

    Given a Werkzeug MultiDict it first tries `getall`, which a MultiDict lacks, and catches the
    AttributeError before `getlist`: an exception per field of every webhook.
    """

    def getall(self, name: str) -> list[str]:
        return self[name]


def _validator(token: str) -> RequestValidator:
    """One validator per secret (the secrets are fixed at start-up)."""
    validators = current_app.extensions.setdefault("ivr.request_validators", {})
    validator = validators.get(token)
    if validator is None:
        validator = validators[token] = OneHmacValidator(token)
    return validator


SHARED_KEY_SETTINGS = ("TWILIO_SHARED_KEY_SECRET", "TWILIO_SHARED_KEY_SECRET_PREVIOUS")
_UNSET_KEY_LOGGED = "ivr.shared_key_missing_logged"


def _secrets_for(settings_header: str | None) -> tuple[str, ...]:
    """The secrets a request may be signed with.

    A Webhook Rule makes Twilio sign with a SharedKey's secret and add
    `X-Twilio-Webhooks-Signature-Settings: key=<id>,algorithm=<alg>`; without that header
    Twilio signs with the auth token and HMAC-SHA1
    (twilio.com/docs/usage/webhooks/webhook-shared-keys). The second secret is the one being
    rotated out (or in): tried only when the first does not match.
    """
    if not settings_header:
        return (current_app.config["TWILIO_AUTH_TOKEN"],)
    return tuple(s for s in (current_app.config.get(n, "") for n in SHARED_KEY_SETTINGS) if s)


def _refuse(message: str, *args: object) -> None:
    log.warning(message, *args)
    abort(403)


def require_twilio_signature() -> None:
    config = current_app.config
    req = request._get_current_object()  # type: ignore[attr-defined]
    settings_header = req.headers.get(SIGNATURE_SETTINGS_HEADER)
    if not config["TWILIO_AUTH_TOKEN"] and not settings_header:
        _warn_once_when_serving()
        if config["IVR_DEV_UNSIGNED"]:
            return
        abort(403)
    algorithm = get_signature_algorithm(settings_header)
    if algorithm.upper() not in _ALGORITHMS:
        _refuse("refused a request to %s signed with unknown algorithm %r", req.path, algorithm)
    secrets = _secrets_for(settings_header)
    if not secrets:
        if not current_app.extensions.get(_UNSET_KEY_LOGGED):
            current_app.extensions[_UNSET_KEY_LOGGED] = True
            log.error(
                "Twilio signed a webhook with a shared key (a Webhook Rule is on) but "
                "TWILIO_SHARED_KEY_SECRET is not set: every such request is refused (403). "
                "Set TWILIO_SHARED_KEY_SECRET to the SharedKey's secret."
            )
        abort(403)
    signature = req.headers.get(SIGNATURE_HEADER, "")
    params = SignedValues(req.form.lists()) if req.method == "POST" else {}
    url = signed_url()
    if not signature or not any(
        _validator(secret).validate(url, params, signature, algorithm) for secret in secrets
    ):
        _refuse("refused unsigned or wrongly signed request to %s", req.path)
