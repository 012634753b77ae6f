"""The call log: every call, its route and how it ended."""

from __future__ import annotations

from flask import render_template

from ivr.console.blueprint import bp
from ivr.console.helpers import scope
from ivr.console.outcomes import OUTCOME_NAMES
from ivr.db import get_session
from ivr.services.console import call_log


@bp.get("/calls")
def calls() -> str:
    return render_template(
        "console/calls.html",
        calls=call_log(get_session(), desks=scope()),
        outcome_names=OUTCOME_NAMES,
    )
