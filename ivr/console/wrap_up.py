"""Wrap-up in the console: the form in the agent's pop slot after a call, and "Ready"."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, request
from flask_babel import gettext as _

from ivr.console.auth import _safe_next
from ivr.console.blueprint import bp
from ivr.console.helpers import desk, now
from ivr.console.messages import explained
from ivr.db import get_session
from ivr.services import agents, wrap_up


@bp.post("/wrap-up")
def save_wrap_up() -> Response:
    back = _safe_next(request.form.get("next"))
    session = get_session()
    agent = agents.of_user(session, g.user) or abort(403)
    current = wrap_up.current(session, agent, g.user)
    if current is None or str(current.offer_id) != request.form.get("offer", ""):
        flash(_("That call's wrap-up is over."), "error")
        return redirect(back)
    try:
        wrap_up.record(
            session,
            current.incident,
            request.form.get("disposition", ""),
            request.form.get("note", ""),
            who=g.user,
            now=now(),
            messaging=desk().messaging(),
        )
    except wrap_up.WrapUpError as exc:
        flash(explained(exc), "error")
        return redirect(back)
    flash(_("Wrap-up saved."), "info")
    if request.form.get("ready") == "1":
        wrap_up.ready(session, agent, now())
    return redirect(back)


@bp.post("/wrap-up/ready")
def wrap_up_ready() -> Response:
    session = get_session()
    agent = agents.of_user(session, g.user) or abort(403)
    if wrap_up.ready(session, agent, now()):
        flash(_("You take calls now."), "info")
    return redirect(_safe_next(request.form.get("next")))
