"""Known disruptions in the console: declare (Dutch and German text), see who is affected, end."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext

from ivr.console.blueprint import bp
from ivr.console.helpers import calendar, desk, desk_of, needs, now, reach, require, scope
from ivr.console.incidents import SEVERITY_NAMES as NAMES_BY_SEVERITY
from ivr.console.messages import explained
from ivr.db import get_session
from ivr.domain.text_input import whole_number
from ivr.models import Disruption
from ivr.services import console, disruptions, scoped
from ivr.services.disruptions import Declared, DisruptionError
from ivr.services.roles import LEAD

SEVERITY_NAMES = {severity.value: name for severity, name in NAMES_BY_SEVERITY.items()}


def _all_users_at() -> int:
    return int(current_app.config["DISRUPTION_ALL_USERS_AT"])


@bp.get("/disruptions")
@needs(LEAD)
def disruption_list(error: str | None = None, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "console/disruptions.html",
        disruptions=disruptions.all_disruptions(get_session(), desks=scope(LEAD)),
        category=lambda d: disruptions.category(d, _all_users_at(), desk_of(d.desk).agreement),
        severities=SEVERITY_NAMES,
        error=error,
        form=request.form,
    )
    return page, status


@bp.post("/disruptions")
@needs(LEAD)
def declare_disruption() -> Response | tuple[str, int]:
    require(desk().key, LEAD)  # declared in the desk worked in
    form = request.form
    given = Declared(
        text_nl=form.get("text_nl", ""),
        text_de=form.get("text_de", ""),
        severity=form.get("severity", "functions_fail"),
        incident_reference=form.get("incident", ""),
    )
    try:
        _check_incident(given.incident_reference)
        made = disruptions.declare(get_session(), given, author=g.user, now=now(), desk=desk().key)
    except DisruptionError as exc:
        return disruption_list(explained(exc), 422)
    flash(_("Disruption declared: every caller hears it now."), "info")
    active = disruptions.active_count(get_session(), now(), desk().key)
    if active > 1:  # the decision on overlaps (docs): all heard in turn, newest first, a few
        flash(
            _(
                "%(count)d disruptions are active: callers hear them in turn, newest first, "
                "at most %(most)d.",
                count=active,
                most=disruptions.MAX_HEARD,
            ),
            "info",
        )
    return redirect(url_for("console.disruption_page", disruption_id=made.id))


def _check_incident(reference: str) -> None:
    """A disruption links only an incident of the desk it is declared in."""
    if reference.strip() and console.find(get_session(), reference, (desk().key,)) is None:
        raise DisruptionError("There is no incident %(reference)s.", reference=reference)


def _get(disruption_id: int) -> Disruption:
    """A disruption of a desk of the user's (else 404) where they are a lead (else 403)."""
    found = scoped.row(get_session(), Disruption, disruption_id, reach()) or abort(404)
    require(found.desk, LEAD)
    return found


@bp.get("/disruptions/<int:disruption_id>")
def disruption_page(disruption_id: int) -> str:
    found = _get(disruption_id)
    return render_template(
        "console/disruption.html",
        d=found,
        category=disruptions.category(found, _all_users_at(), desk_of(found.desk).agreement),
        severities=SEVERITY_NAMES,
    )


@bp.post("/disruptions/<int:disruption_id>/category")
def set_disruption_category(disruption_id: int) -> Response:
    found = _get(disruption_id)
    value = request.form.get("category", "")
    try:
        disruptions.set_category(get_session(), found, whole_number(value, 3))
    except DisruptionError as exc:
        flash(explained(exc), "error")
    return redirect(url_for("console.disruption_page", disruption_id=disruption_id))


@bp.post("/disruptions/<int:disruption_id>/end")
def end_disruption(disruption_id: int) -> Response:
    found = _get(disruption_id)
    try:
        queued = disruptions.end(
            get_session(),
            found,
            author=g.user,
            now=now(),
            messaging=desk_of(found.desk).messaging(),
            calendar=calendar(found.desk),
            agreement=desk_of(found.desk).agreement,
        )
    except DisruptionError as exc:
        flash(explained(exc), "error")
    else:
        said = ngettext(
            "Disruption ended; %(num)d text message queued for affected callers.",
            "Disruption ended; %(num)d text messages queued for affected callers.",
            queued,
        )
        flash(said, "info")
    return redirect(url_for("console.disruption_page", disruption_id=disruption_id))
