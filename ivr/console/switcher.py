"""The desk switcher in the header: a user of several desks works in one, or sees all of theirs."""

from __future__ import annotations

from flask import Response, redirect, request, session

from ivr.console.auth import _safe_next
from ivr.console.blueprint import bp
from ivr.console.helpers import ALL_MINE, CHOSEN, my_desks


@bp.post("/desk")
def choose_desk() -> Response:
    """Kept in the session; a desk the user has no role in is never chosen (all of theirs)."""
    wanted = request.form.get("desk", "")
    if any(d.key == wanted for d in my_desks()):
        session[CHOSEN] = wanted
    else:
        session[CHOSEN] = ALL_MINE
    return redirect(_safe_next(request.form.get("next")))
