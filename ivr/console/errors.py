"""The console's own error pages, in the user's language and layout (Werkzeug's are English).

Every HTTP error on a console path gets one: those its views raise (by the blueprint's
handlers) and those raised before any view is chosen, an unknown path or a GET of a POST-only
URL (by ivr.error_pages).
"""

from __future__ import annotations

import logging

from flask import Response, g, render_template
from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext
from werkzeug.exceptions import HTTPException

from ivr import error_pages
from ivr.console.blueprint import bp
from ivr.console.helpers import template_helpers

log = logging.getLogger(__name__)

EXPLANATIONS = {
    400: (
        lazy_gettext("Not understood"),
        lazy_gettext(
            "The request could not be understood, or the form had expired. Go back, reload "
            "the page and try again."
        ),
    ),
    401: (lazy_gettext("Not logged in"), lazy_gettext("Log in to the console first.")),
    403: (lazy_gettext("Not allowed"), lazy_gettext("You may not do this.")),
    404: (
        lazy_gettext("Not found"),
        lazy_gettext("There is nothing here (any more). Check the reference or the address."),
    ),
    405: (
        lazy_gettext("Not possible this way"),
        lazy_gettext("This page cannot be used like this. Use the buttons in the console."),
    ),
    429: (
        lazy_gettext("Too many requests"),
        lazy_gettext("Too many requests in a short time. Wait a minute and try again."),
    ),
    500: (
        lazy_gettext("Something went wrong"),
        lazy_gettext(
            "The console could not do this because of a fault on our side. Try again in a "
            "moment; if it keeps happening, tell whoever runs the line."
        ),
    ),
    502: (
        lazy_gettext("Not available right now"),
        lazy_gettext(
            "A service the console needs for this (such as Twilio for a recording) did not "
            "answer properly. Try again later."
        ),
    ),
    503: (
        lazy_gettext("Not available right now"),
        lazy_gettext(
            "This is not available right now: a service it needs (such as Twilio for a "
            "recording) cannot be reached or is not set up. Try again later, or tell whoever "
            "runs the line."
        ),
    ),
}


def _explanation(code: int) -> tuple[object, object]:
    if code in EXPLANATIONS:
        return EXPLANATIONS[code]
    return EXPLANATIONS[500] if code >= 500 else EXPLANATIONS[400]


def error_page(error: HTTPException) -> tuple[str, int] | Response:
    code = error.code or 500
    title, text = _explanation(code)
    g.setdefault("user", None)  # no view was chosen: nobody is known to be logged in
    # The blueprint's context processor runs only for its own views: not for an unknown path.
    given = {"code": code, "title": title, "text": text, **template_helpers()}
    try:
        page = render_template("console/error.html", **given)
    except Exception:  # the fault may be the database the header reads: show less, not Werkzeug
        log.exception("the console's error page for %s failed; shown without the menu", code)
        g.user = None
        page = render_template("console/error.html", **given)
    response = Response(page, status=code)
    if code == 405 and error.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    return response


for _code in (*EXPLANATIONS, 413):
    bp.register_error_handler(_code, error_page)


@bp.record_once
def _register_for_every_console_path(state: BlueprintSetupState) -> None:
    error_pages.register(state.app, f"{bp.url_prefix}/", error_page)
