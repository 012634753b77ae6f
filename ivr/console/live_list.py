"""The work list that keeps itself up to date: the page, and the part of it the page polls.

The open page asks for its live part every WORKLIST_POLL_SECONDS (htmx, served from the app);
the answer is the part of the same page between its `<!-- live -->` markers, or 204 when
nothing changed.
Short polling suits gunicorn's sync workers, where a held-open event stream would tie one up.
"""

from __future__ import annotations

import hashlib

from flask import Response, current_app, render_template, request

from ivr import spool
from ivr.console.helpers import calendar, my_desks, now, scope
from ivr.db import get_session
from ivr.services import console
from ivr.services.console import Filters

TEMPLATE = "console/work_list.html"
VERSION = "__version__"
START, END = "<!-- live -->", "<!-- /live -->"


def _context(filters: Filters) -> dict[str, object]:
    session = get_session()
    calendars = {d.key: calendar(d.key) for d in my_desks()}
    items = console.work_list(session, calendar(), now(), filters, calendars)
    return {
        "items": items,
        "filters": filters,
        "filter_args": {k: v for k, v in request.args.items() if k != "seen"},
        "category_one": console.open_category_one(session, scope()),
        "poll_seconds": current_app.config["WORKLIST_POLL_SECONDS"],
        "version": VERSION,
        "spooled": spool.status(current_app.extensions["ivr.desk"].spool_dir),
    }


def _rendered(context: dict[str, object]) -> tuple[str, str, str]:
    """The page, its live part (between the template's markers) and the part's version."""
    html = render_template(TEMPLATE, **context)
    start, end = html.index(START), html.index(END) + len(END)
    version = hashlib.sha256(html[start:end].encode()).hexdigest()[:16]
    return html.replace(VERSION, version), html[start:end].replace(VERSION, version), version


def page(filters: Filters) -> str:
    return _rendered(_context(filters))[0]


def fragment(filters: Filters, seen: str) -> Response:
    _page, live, version = _rendered(_context(filters))
    if version == seen:
        return Response(status=204)
    return Response(live, mimetype="text/html")
