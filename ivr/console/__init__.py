"""The servicedesk console: server-rendered pages for the people who take the calls."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
)

# The views register themselves on `bp`.
from ivr.console import (  # noqa: E402, F401
    agents,
    auth,
    board,
    calendar,
    calls,
    disruptions,
    errors,
    history,
    incidents,
    me,
    reports,
)
from ivr.console.helpers import template_helpers  # noqa: E402

bp.context_processor(template_helpers)
