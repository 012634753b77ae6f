"""Use cases of the phone line; the only layer that writes to the database and commits."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ivr.clock import Clock, SystemClock
from ivr.domain.moments import check_moment

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    from ivr.desk_file import load_desks
    from ivr.services.queue import QueueSettings

    app.extensions["ivr.clock"] = app.config.get("CLOCK") or SystemClock()
    # DESKS_FILE, checked whole (a fault stops the start), or the environment's one desk.
    app.extensions["ivr.desks"] = desks = load_desks(app.config)
    app.extensions["ivr.desk"] = desks.first
    app.extensions["ivr.queue"] = QueueSettings.from_config(app.config)


def now() -> datetime:
    """The app's current time; a test or the terminal phone may set it per request."""
    from flask import current_app, has_request_context, request

    if has_request_context() and current_app.config["IVR_ALLOW_CLOCK_HEADER"]:
        header = request.headers.get("X-IVR-Clock")
        if header:
            try:
                when = datetime.fromisoformat(header)
                if when.tzinfo is not None:
                    return check_moment(when, ZoneInfo("UTC"))
            except ValueError:  # malformed or out of range (DateInputError): the real clock
                pass
    clock: Clock = current_app.extensions["ivr.clock"]
    return clock.now()
