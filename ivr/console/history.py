"""An incident's history in the console: status updates, an agreed appointment, a moved deadline."""

from __future__ import annotations

from flask import Response, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from ivr.console.blueprint import bp
from ivr.console.helpers import calendar, desk_of, now, parse_local
from ivr.console.incidents import incident_or_404
from ivr.console.messages import explained
from ivr.db import get_session
from ivr.services import history
from ivr.services.history import HistoryError
from ivr.services.roles import LEAD


def _back(reference: str) -> Response:
    return redirect(url_for("console.incident", reference=reference) + "#history")


@bp.post("/incidents/<reference>/updates")
def post_update(reference: str) -> Response:
    session = get_session()
    row = incident_or_404(reference)
    try:
        text = request.form.get("text", "")
        messaging = desk_of(row.desk).messaging()
        history.post_update(
            session,
            calendar(row.desk),
            row,
            text,
            author=g.user,
            now=now(),
            messaging=messaging,
            agreement=desk_of(row.desk).agreement,
        )
    except HistoryError as exc:
        flash(explained(exc), "error")
    else:
        flash(_("Status update saved."), "info")
    return _back(row.reference)


@bp.post("/incidents/<reference>/appointment")
def agree_appointment(reference: str) -> Response:
    session = get_session()
    row = incident_or_404(reference)
    try:
        when = parse_local(request.form.get("when", ""))
        history.agree_appointment(
            session,
            calendar(row.desk),
            row,
            when,
            author=g.user,
            now=now(),
            agreement=desk_of(row.desk).agreement,
        )
    except (ValueError, HistoryError) as exc:
        flash(
            explained(exc) if isinstance(exc, HistoryError) else _("Give a date and time."),
            "error",
        )
    else:
        flash(_("Appointment saved."), "info")
    return _back(row.reference)


@bp.post("/incidents/<reference>/restore-due")
def correct_restore_due(reference: str) -> Response:
    session = get_session()
    row = incident_or_404(reference, LEAD)  # moves the agreed deadline
    try:
        when = parse_local(request.form.get("when", ""))
        reason = request.form.get("reason", "")
        history.correct_restore_due(session, row, when, reason=reason, author=g.user, now=now())
    except (ValueError, HistoryError) as exc:
        flash(
            explained(exc) if isinstance(exc, HistoryError) else _("Give a date and time."),
            "error",
        )
    else:
        flash(_("Restore deadline changed."), "info")
    return _back(row.reference)
