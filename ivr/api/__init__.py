"""JSON API for tools: incidents with filters and paging, behind bearer tokens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, g, jsonify, request
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from ivr import services
from ivr.db import get_session
from ivr.domain.moments import DateInputError, parse_moment
from ivr.domain.text_input import whole_number
from ivr.models import Incident
from ivr.services.console import find
from ivr.services.desk import Desk, business_calendar
from ivr.services.desks import line_desks
from ivr.services.incident_merge import STATUS_ORDER
from ivr.services.records import as_record, history_record
from ivr.services.roles import Scope, token_access
from ivr.services.scoped import within
from ivr.services.users import token_holder

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_LIMIT = 200
MAX_OFFSET = 10_000_000
STATUSES = STATUS_ORDER  # partial, open, acknowledged, resolved
# `total` counts the matching incidents up to this many, newest first through the list's own
# index, so a page costs the same over years of history (issue 30); `total=exact` counts all.
TOTAL_COUNTED = 10_000


@bp.before_request
def require_token() -> None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    holder = token_holder(get_session(), token, services.now()) if token else None
    if scheme.lower() != "bearer" or holder is None:
        abort(401)
    # The desks the token may read (issue 26), as a console user's: None is every desk.
    g.api_desks = token_access(get_session(), holder.id).scope(
        line_desks(current_app.extensions).keys, None
    )


def _desks() -> Scope:
    return g.api_desks


def json_error(error: HTTPException) -> tuple[Response, int]:
    response = jsonify(error=error.name, detail=error.description)
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ivr"'
    return response, error.code or 500


# By code: an app-wide handler for a code would win over one registered for HTTPException.
for _code in (400, 401, 404, 405, 500):
    bp.register_error_handler(_code, json_error)


def _tz():  # type: ignore[no-untyped-def]
    return line_desks(current_app.extensions).first.tz


def _desk_of(row: Incident) -> Desk:
    desks = line_desks(current_app.extensions)
    return desks.get(row.desk) or desks.first


def _record(row: Incident) -> dict[str, Any]:
    """An incident as the API gives it: in its own desk's zone, a standard change's state on
    its desk's calendar (each desk's calendar made once per request)."""
    desk = _desk_of(row)
    calendars = g.setdefault("api_calendars", {})
    if desk.key not in calendars:
        calendars[desk.key] = business_calendar(desk, get_session(), services.now())
    return as_record(row, desk.tz, calendar=calendars[desk.key], now=services.now())


@bp.get("/incidents")
def incidents() -> Response:
    args = request.args
    query = select(Incident).where(within(Incident.desk, _desks()))
    if args.get("status"):
        statuses = args["status"].split(",")
        if not set(statuses) <= set(STATUSES):
            abort(400, f"status must be one or more of {','.join(STATUSES)}")
        query = query.where(Incident.status.in_(statuses))
    if args.get("category"):
        if args["category"] not in ("1", "2", "3", "4"):
            abort(400, "category must be 1, 2, 3 or 4")
        query = query.where(Incident.category == int(args["category"]))
    if args.get("support"):  # support incidents are billed apart from faults (seed 004)
        if args["support"] not in ("yes", "no"):
            abort(400, "support must be yes or no")
        query = query.where(Incident.support_incident.is_(args["support"] == "yes"))
    if args.get("since"):
        try:
            since = parse_moment(args["since"], _tz(), "since")
        except DateInputError as exc:
            abort(400, f"{exc} Give an ISO 8601 date or time, e.g. 2026-11-30.")
        query = query.where(Incident.received_at >= since)
    limit = _whole(args.get("limit", "50"), "limit", 1, MAX_LIMIT)
    offset = _whole(args.get("offset", "0"), "offset", 0, MAX_OFFSET)
    if args.get("total", "") not in ("", "exact"):
        abort(400, "total must be exact, or left out")
    session = get_session()
    newest_first = query.order_by(Incident.received_at.desc(), Incident.id.desc())
    if args.get("total") == "exact":
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        capped = False
    else:
        counted = newest_first.with_only_columns(Incident.id).limit(TOTAL_COUNTED + 1)
        total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
        capped = total > TOTAL_COUNTED
        total = min(total, TOTAL_COUNTED)
    rows = session.scalars(newest_first.limit(limit).offset(offset))
    return jsonify(
        total=total,
        total_capped=capped,
        limit=limit,
        offset=offset,
        incidents=[_record(row) for row in rows],
    )


def _whole(text: str, name: str, least: int, most: int) -> int:
    """A whole number within [least, most] from the query string, else 400 saying so."""
    number = whole_number(text, len(str(most)))
    if number is None or not least <= number <= most:
        abort(400, f"{name} must be a whole number from {least} to {most}")
    return number


@bp.get("/incidents/<reference>")
def incident(reference: str) -> Response:
    row = find(get_session(), reference, _desks()) or abort(404, f"no incident {reference}")
    record = _record(row)
    history = [history_record(entry, _desk_of(row).tz) for entry in row.history]
    return jsonify({**record, "history": history})
