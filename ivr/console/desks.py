"""The desks of this line, read-only, each setting with where it comes from (issue 26)."""

from __future__ import annotations

from flask import current_app, render_template

from ivr.console.blueprint import bp
from ivr.desk_file import shown_settings, source_of


@bp.get("/desks")
def desk_list() -> str:
    desks = current_app.extensions["ivr.desks"]
    return render_template(
        "console/desks.html",
        desks=[(desk, source_of(desk), shown_settings(desk)) for desk in desks],
        first=desks.first.key,
    )
