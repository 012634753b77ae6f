"""The work list, an incident with everything the caller said, acknowledge and resolve."""

from __future__ import annotations

from flask import Response, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext

from ivr.console import live_list
from ivr.console.auth import polled
from ivr.console.blueprint import bp
from ivr.console.helpers import calendar, desk_of, now, reach, require, scope
from ivr.console.recordings import stream_recording
from ivr.console.text_messages import text_messages
from ivr.db import get_session
from ivr.domain.triage import Impact, Severity
from ivr.models import Incident
from ivr.services import console
from ivr.services.console import Filters
from ivr.services.roles import AGENT, LEAD

IMPACT_NAMES = {
    Impact.ALL_USERS: lazy_gettext("all users"),
    Impact.SOME_USERS: lazy_gettext("several users"),
    Impact.ONE_USER: lazy_gettext("one user"),
}
SEVERITY_NAMES = {
    Severity.CANNOT_WORK: lazy_gettext("cannot make calls / cannot work"),
    Severity.FUNCTIONS_FAIL: lazy_gettext("certain functions fail"),
    Severity.CUMBERSOME: lazy_gettext("can work, cumbersome"),
}


def _filters() -> Filters:
    args = request.args
    category = args.get("category", "")
    out_of_hours = {"yes": True, "no": False}.get(args.get("out_of_hours", ""))
    since = calendar().previous_closing(now()) if args.get("view") == "morning" else None
    return Filters(
        category=int(category) if category in ("1", "2", "3", "4") else None,
        status=args.get("status") or None,
        sla=args.get("sla") or None,
        out_of_hours=out_of_hours,
        since=since,
        desks=scope(),
    )


def incident_or_404(reference: str, role: str = AGENT) -> Incident:
    """An incident of a desk of the user's (else 404: it does not exist for them); 403 when
    their role there is below `role`."""
    row = console.find(get_session(), reference, reach()) or abort(404)
    require(row.desk, role)
    return row


@bp.get("/")
def work_list() -> str:
    return live_list.page(_filters())


@bp.get("/work-list/live")
@polled
def work_list_live() -> Response:
    """The list's live part, polled by the open page; 204 when nothing changed since `seen`."""
    return live_list.fragment(_filters(), request.args.get("seen", ""))


@bp.get("/incidents/<reference>")
def incident(reference: str) -> str:
    row = incident_or_404(reference)
    item = console.work_item(calendar(row.desk), row, now())
    return render_template(
        "console/incident.html",
        item=item,
        impact=IMPACT_NAMES.get(row.impact) if row.impact else None,  # type: ignore[call-overload]
        severity=SEVERITY_NAMES.get(row.severity) if row.severity else None,  # type: ignore[call-overload]
        can_fetch=bool(current_app.config["TWILIO_ACCOUNT_SID"]),
        texts=text_messages(row.id),
    )


@bp.post("/incidents/<reference>/acknowledge")
def acknowledge(reference: str) -> Response:
    session = get_session()
    row = incident_or_404(reference)
    console.acknowledge(session, row, g.user, now())
    return redirect(url_for("console.incident", reference=row.reference))


@bp.post("/incidents/<reference>/resolve")
def resolve(reference: str) -> Response:
    session = get_session()
    row = incident_or_404(reference)
    console.resolve(session, row, g.user, now(), desk_of(row.desk).messaging())
    return redirect(url_for("console.incident", reference=row.reference))


@bp.post("/incidents/<reference>/support")
def support(reference: str) -> Response:
    """Mark (or unmark) a support incident: not a fault in the service; billed differently."""
    session = get_session()
    row = incident_or_404(reference, LEAD)  # what the customer is billed for
    console.mark_support(session, row, request.form.get("support") == "1", g.user, now())
    return redirect(url_for("console.incident", reference=row.reference))


@bp.get("/incidents/<reference>/recording")
def recording(reference: str) -> Response:
    row = incident_or_404(reference)
    if not row.recording_url:
        abort(404)
    return stream_recording(row.recording_url)
