"""Console login: hashed passwords, sessions that expire when idle, every page behind it."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar
from urllib.parse import urlsplit

from flask import (
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext

from ivr import services
from ivr.console.blueprint import bp
from ivr.console.i18n import LANGUAGES
from ivr.db import get_session
from ivr.services.roles import user_access
from ivr.services.users import (
    Throttle,
    Throttled,
    end_sessions,
    log_in,
    session_user,
    set_language,
)

PUBLIC_ENDPOINTS = {"console.login", "console.static"}
View = TypeVar("View", bound=Callable[..., object])


def polled(view: View) -> View:
    """A view an open page asks for by itself (the live work list, the wall board's data):
    asking is no sign of someone at the screen, so it does not keep the session alive."""
    view.polled = True  # type: ignore[attr-defined]
    return view


def _is_polled() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "polled", False))


@bp.before_request
def require_login() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    user, seen = session.get("user"), session.get("seen", 0)
    idle_limit = current_app.config["SESSION_MINUTES"] * 60
    live = user and session_user(get_session(), user, session.get("version"))
    if not live or time.time() - seen > idle_limit:
        session.clear()
        if request.headers.get("HX-Request"):
            # A live part asking after the session ended: send the whole page to the login,
            # rather than swapping the login form into the list.
            return Response(status=204, headers={"HX-Redirect": url_for("console.login")})
        return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
    if not _is_polled():  # only what the user does counts as activity
        session["seen"] = time.time()
    g.user = user
    g.access = user_access(get_session(), live.id)  # one statement: the user's roles per desk
    return None


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    if request.method == "POST":
        try:
            user = log_in(
                get_session(),
                request.form.get("username", ""),
                request.form.get("password", ""),
                request.remote_addr or "-",
                now=services.now(),
                throttle=_throttle(),
            )
        except Throttled as exc:
            wait = max(1, math.ceil((exc.retry_after - services.now()).total_seconds() / 60))
            flash(
                ngettext(
                    "Too many failed logins. Try again in %(num)d minute.",
                    "Too many failed logins. Try again in %(num)d minutes.",
                    wait,
                ),
                "error",
            )
            return render_template("console/login.html"), 429
        if user is not None:
            session.clear()
            session.permanent = True
            session["user"], session["seen"] = user.username, time.time()
            if user.language:
                session["language"] = user.language
            session["version"] = user.session_version
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong name or password."), "error")
    return render_template("console/login.html")


@bp.post("/language")
def choose_language() -> Response:
    """The user picks the console's language; kept with the user for their next login."""
    chosen = request.form.get("language", "")
    if chosen in LANGUAGES:
        set_language(get_session(), g.user, chosen)
        session["language"] = chosen
    return redirect(_safe_next(request.form.get("next")))


def _throttle() -> Throttle:
    config = current_app.config
    return Throttle(
        per_account=config["LOGIN_MAX_FAILURES"],
        per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        window=timedelta(minutes=config["LOGIN_THROTTLE_MINUTES"]),
    )


@bp.post("/logout")
def logout() -> Response:
    end_sessions(get_session(), g.user)  # copies of the cookie die too
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("console.login"))


def _safe_next(target: str | None) -> str:
    """Only back into the console: never an open redirect to another site."""
    if target and target.startswith("/console/") and not urlsplit(target).netloc:
        return target
    return url_for("console.work_list")
