"""The desks of this line, read-only, each setting with where it comes from (issue 26).

A lead sees the desks they lead; an admin every desk."""

from __future__ import annotations

from flask import current_app, render_template

from ivr.console.blueprint import bp
from ivr.console.helpers import LEAD, needs, reach
from ivr.desk_file import shown_settings, source_of
from ivr.services.desks import line_desks


@bp.get("/desks")
@needs(LEAD)
def desk_list() -> str:
    desks = line_desks(current_app.extensions)
    mine = reach(LEAD)
    return render_template(
        "console/desks.html",
        desks=[
            (desk, source_of(desk), shown_settings(desk))
            for desk in desks
            if mine is None or desk.key in mine
        ],
        first=desks.first.key,
    )
