"""The line's Flask application class."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask


class LineApp(Flask):
    """Flask, asking once per function whether it is a coroutine function.

    Flask asks for the view and for every before/after/teardown function of every request
    (`inspect.iscoroutinefunction`, seven times a webhook); the answer never changes.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._runnable: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        runnable = self._runnable.get(func)
        if runnable is None:
            runnable = self._runnable[func] = super().ensure_sync(func)
        return runnable
