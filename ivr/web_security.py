"""Browser-facing protections: a Secure session cookie behind TLS, and security headers."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.routing import IntegerConverter

# The console is server-rendered: its own stylesheet and scripts (the live work list polls the
# app itself), the recording player, forms posting to itself; no inline code, no frames, nothing
# from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
    "img-src 'self'; media-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class RowId(IntegerConverter):
    """`<int:...>` in URLs, no larger than an INTEGER column: a larger number is a 404, not an
    overflow in the driver."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)  # INTEGER columns on PostgreSQL
        super().__init__(url_map, *args, **kwargs)


VOICE_PREFIX = "/voice/"  # Twilio's webhooks: no browser, no cookie, no page to protect


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is `Secure` whenever the request came over TLS (directly or as the
    trusted proxy says), so it is never sent back over plain HTTP.

    Twilio's webhooks carry no cookie and never use the session: they get a null session
    without unsigning anything, and nothing is saved.
    """

    def open_session(self, app: Flask, request: Any) -> Any:
        if request.path.startswith(VOICE_PREFIX):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (has_request_context() and request.is_secure)


def init_converters(app: Flask) -> None:
    """Before any route is registered: routes bind their converters when added."""
    app.url_map.converters["int"] = RowId


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()

    @app.after_request
    def _headers(response: Response) -> Response:
        if response.mimetype == "text/xml" and request.path.startswith(VOICE_PREFIX):
            return response  # TwiML for Twilio's engine, not a document a browser shows
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
