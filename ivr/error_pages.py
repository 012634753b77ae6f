"""One app-wide handler for HTTP errors, handing each to the part of the app whose path it is.

Errors raised before any view is chosen (an unknown path, a GET of a POST-only URL) reach no
blueprint's own handlers; Flask keeps one app-wide handler per code, so the parts register here
by path prefix instead: the voice line answers TwiML, the console its own page, the rest as is.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

Handler = Callable[[HTTPException], "Response | HTTPException | tuple[str, int]"]
KEY = "ivr.error_pages"


def register(app: Flask, prefix: str, handler: Handler, codes: tuple[int, ...] = ()) -> None:
    """`handler` answers errors (of `codes`, or any) on paths starting with `prefix`."""
    app.extensions.setdefault(KEY, []).append((prefix, handler, codes))


def dispatch(error: HTTPException) -> Response | HTTPException | tuple[str, int]:
    for prefix, handler, codes in current_app.extensions.get(KEY, []):
        if request.path.startswith(prefix) and (not codes or error.code in codes):
            return handler(error)
    return error


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, dispatch)
