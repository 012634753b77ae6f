"""The servicedesk console: server-rendered pages for the people who take the calls."""

from __future__ import annotations

# The views register themselves on `bp`.
from ivr.console import (  # noqa: F401
    agents,
    auth,
    board,
    calendar,
    calls,
    desks,
    disruptions,
    errors,
    handoff,
    history,
    incidents,
    me,
    pop,
    reports,
    softphone,
    switcher,
    wrap_up,
)
from ivr.console.blueprint import bp
from ivr.console.helpers import template_helpers
from ivr.console.labels import label

bp.context_processor(template_helpers)
# A global, not a context variable: the macros of console/_sla.html are imported without context.
bp.add_app_template_global(label, "label")
