"""The hand-off to the ticket system (issue 28): per connector what waits, is delivered, was
refused, each message with what the system said; a refused one can be tried again."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ivr.console.blueprint import bp
from ivr.console.helpers import LEAD, needs, now, require, scope
from ivr.db import get_session
from ivr.services import outbox, tickets
from ivr.services.desk import ticket_system
from ivr.services.desks import line_desks


@bp.get("/handoff")
@needs(LEAD)
def handoff() -> str:
    session = get_session()
    configured = ticket_system(current_app.config)
    seen = scope(LEAD)
    # Each desk's own system (DESKS_FILE, issue 28), else the environment's.
    systems = tickets.desk_systems(current_app.config, line_desks(current_app.extensions))
    shown = [s for d, s in systems.items() if s and (seen is None or d in seen)]
    names = " / ".join(dict.fromkeys(tickets.label(s) for s in shown))
    return render_template(
        "console/handoff.html",
        configured=names or None,
        tallies=outbox.tally(session, configured or "-", seen, systems),
        messages=outbox.handed_off(session, desks=seen),
        label=tickets.label,
        systems=systems,
    )


@bp.post("/handoff/<int:row_id>/retry")
def retry_handoff(row_id: int) -> Response:
    session = get_session()
    desk = outbox.desk_of(session, row_id)
    if desk is None:
        abort(404)
    require(desk, LEAD)  # another desk's message does not exist for this user
    if not outbox.retry_now(session, row_id, now()):
        abort(404)
    flash(_("It is tried again with the next pass of the sender."), "info")
    return redirect(url_for("console.handoff"))
