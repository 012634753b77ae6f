"""The wall board: agents, callers waiting and callbacks; static/board.js refreshes it."""

from __future__ import annotations

from flask import Response, current_app, jsonify, render_template
from flask_babel import gettext as _

from ivr import services
from ivr.console.auth import polled
from ivr.console.blueprint import bp
from ivr.console.helpers import scope
from ivr.console.messages import presence_note
from ivr.db import get_session
from ivr.services.board import WallBoard, wall_board


def _board() -> WallBoard:
    queue = current_app.extensions["ivr.queue"]
    return wall_board(get_session(), queue, services.now(), scope())


@bp.get("/board")
def board() -> str:
    presence = {
        "available": _("available"),
        "ringing": _("ringing"),
        "on a call": _("on a call"),
        "wrap-up": _("wrap-up"),
        "away": _("away"),
    }
    what = {
        "category 1": _("category 1"),
        "category 2": _("category 2"),
        "category 3": _("category 3"),
        "category 4": _("category 4"),
        "question": _("question"),
        "standard change": _("standard change"),
        "unclassified": _("unclassified"),
    }
    state = {"waiting": _("waiting"), "offered": _("ringing"), "callback": _("callback")}
    return render_template(
        "console/board.html",
        board=_board(),
        presence_names=presence,
        what_names=what,
        state_names=state,
        poll_seconds=current_app.config["BOARD_POLL_SECONDS"],
    )


@bp.get("/board.json")
@polled
def board_json() -> Response:
    data = _board().as_json()
    for agent in data["agents"]:  # type: ignore[union-attr]
        agent["note"] = presence_note(agent["note"]) or None
    return jsonify(data)
