"""The agent's own presence: a console user linked to an agent takes calls or stops, one click."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, request
from flask_babel import gettext as _

from ivr import services
from ivr.console.auth import _safe_next
from ivr.console.blueprint import bp
from ivr.db import get_session
from ivr.models import Agent
from ivr.services import agents
from ivr.services.presence import AVAILABLE, AWAY, PresenceError, change_by_hand


def my_agent() -> Agent | None:
    """The agent the logged-in user is (`flask --app app agents link`), if any."""
    user = g.get("user")
    return agents.of_user(get_session(), user) if user else None


@bp.post("/me/presence")
def my_presence() -> Response:
    wanted = request.form.get("presence", "")
    if wanted not in (AVAILABLE, AWAY):
        abort(400)
    back = _safe_next(request.form.get("next"))
    session = get_session()
    agent = agents.of_user(session, g.user)
    if agent is None:
        flash(_("You are not linked to an agent."), "error")
        return redirect(back)
    try:
        note = "set available in the console" if wanted == AVAILABLE else "set away in the console"
        change_by_hand(session, agent, wanted, services.now(), note=note)
    except PresenceError:
        flash(_("You are on a call: that ends by itself."), "error")
    else:
        flash(
            _("You take calls now.") if wanted == AVAILABLE else _("You take no calls now."),
            "info",
        )
    return redirect(back)


def presence_name(presence: str) -> str:
    """An agent's presence (as stored, or as the wall board labels it) in the user's language."""
    names = {
        "available": _("available"),
        "ringing": _("ringing"),
        "on_call": _("on a call"),
        "on a call": _("on a call"),
        "wrap_up": _("wrap-up"),
        "wrap-up": _("wrap-up"),
        "away": _("away"),
    }
    return names.get(presence, presence)
