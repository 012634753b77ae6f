"""The console's own error pages, in the user's language (Werkzeug's are English only)."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext
from werkzeug.exceptions import HTTPException

from ivr.console import bp

EXPLANATIONS = {
    400: (
        lazy_gettext("Not understood"),
        lazy_gettext(
            "The request could not be understood, or the form had expired. Go back, reload "
            "the page and try again."
        ),
    ),
    403: (lazy_gettext("Not allowed"), lazy_gettext("You may not do this.")),
    404: (
        lazy_gettext("Not found"),
        lazy_gettext("There is nothing here (any more). Check the reference or the address."),
    ),
    405: (
        lazy_gettext("Not possible this way"),
        lazy_gettext("This page cannot be used like this. Use the buttons in the console."),
    ),
}


def error_page(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    title, text = EXPLANATIONS[code]
    return render_template("console/error.html", code=code, title=title, text=text), code


for _code in EXPLANATIONS:
    bp.register_error_handler(_code, error_page)
