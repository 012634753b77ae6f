"""The line's Flask application class, and its request class."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import werkzeug.urls  # noqa: F401  (registers the "werkzeug.url_quote" codec error handler)
from flask import Flask, Request, current_app
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.wsgi import get_input_stream

URLENCODED = "application/x-www-form-urlencoded"  # how Twilio posts every webhook


class Params(ImmutableMultiDict):  # type: ignore[type-arg]
    """A form or query string whose `get` of a missing name returns the default without raising
    (and building) a `BadRequestKeyError` first, as Werkzeug's does: a webhook asks for about ten
    names that Twilio did not send."""

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:
        if type is None:
            values = dict.get(self, key)
            return values[0] if values else default
        return super().get(key, default, type)


class LineRequest(Request):
    """Werkzeug's request, reading an urlencoded body (every Twilio webhook) in one step.

    The same parse as Werkzeug's `FormDataParser` for this content type (`parse_qsl` of the
    whole body, blank values kept, the same error handler, the same limit on the length), without
    its parser objects and stream wrappers; any other body goes Werkzeug's way.
    """

    parameter_storage_class = Params

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        environ = self.environ
        if (
            environ.get("CONTENT_TYPE") != URLENCODED
            or getattr(self, "_cached_data", None) is not None
            or current_app.debug  # Flask's debug helper explains a missing file field
        ):
            super()._load_form_data()
            return
        stream = get_input_stream(environ, max_content_length=self.max_content_length)
        try:
            form = Params(parse_qsl(stream.read().decode(), keep_blank_values=True, errors=ERRORS))
        except ValueError:  # as Werkzeug's parser, silently: an undecodable body is no form
            form = Params()
        d = self.__dict__
        d["stream"], d["form"], d["files"] = stream, form, Params()


ERRORS = "werkzeug.url_quote"  # Werkzeug's codec error handler for bytes that are not UTF-8


class LineApp(Flask):
    """Flask, asking once per function whether it is a coroutine function.

    Flask asks for the view and for every before/after/teardown function of every request
    (`inspect.iscoroutinefunction`, seven times a webhook); the answer never changes.
    """

    request_class = LineRequest

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._runnable: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        runnable = self._runnable.get(func)
        if runnable is None:
            runnable = self._runnable[func] = super().ensure_sync(func)
        return runnable
