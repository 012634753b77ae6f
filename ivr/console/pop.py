"""The screen pop on every console page: the offer ringing the logged-in user's agent.

Every page holds an empty `#screen-pop` slot; static/pop.js asks `/console/pop` every
SCREEN_POP_POLL_SECONDS and swaps the answer in (204 while nothing changed). Polled: asking is
no sign of someone at the screen, so it does not keep the session alive.
"""

from __future__ import annotations

from flask import Response, g, render_template, request

from ivr.console.auth import polled
from ivr.console.blueprint import bp
from ivr.console.helpers import desk, now
from ivr.console.incidents import IMPACT_NAMES, SEVERITY_NAMES
from ivr.db import get_session
from ivr.domain.triage import Impact, Severity
from ivr.services import agents, screen_pop, wrap_up

NOTHING = "none"


def current_pop() -> screen_pop.Pop | None:
    session = get_session()
    agent = agents.of_user(session, g.user)
    if agent is None:
        return None
    return screen_pop.pop_for(session, agent.id, desk().caller_key_secret, now())


def render_pop(pop: screen_pop.Pop | None) -> str:
    return render_template(
        "console/_screen_pop.html",
        pop=pop,
        impact=_named(IMPACT_NAMES, Impact, pop.impact if pop else None),
        severity=_named(SEVERITY_NAMES, Severity, pop.severity if pop else None),
    )


def _named(names: dict, kind: type, value: str | None) -> str | None:  # type: ignore[type-arg]
    try:
        return str(names[kind(value)]) if value else None
    except (ValueError, KeyError):
        return None


def current_wrap_up() -> wrap_up.WrapUp | None:
    agent = agents.of_user(get_session(), g.user)
    return wrap_up.current(get_session(), agent, g.user) if agent is not None else None


@bp.get("/pop")
@polled
def pop_fragment() -> Response:
    """The pop of the user's ringing offer, or the wrap-up of their last call (empty when
    neither); 204 when unchanged since `seen`, so a half-written note is never swapped away."""
    pop = current_pop()
    wrap = None if pop else current_wrap_up()
    version = pop.version if pop else f"wrap-{wrap.offer_id}-{wrap.saved}" if wrap else NOTHING
    if request.args.get("seen") == version:
        return Response(status=204)
    html = render_pop(pop) if pop else render_wrap_up(wrap) if wrap else ""
    return Response(html, mimetype="text/html", headers={"X-Pop-Version": version})


def render_wrap_up(wrap: wrap_up.WrapUp) -> str:
    return render_template(
        "console/_wrap_up.html",
        wrap=wrap,
        item=wrap.incident,
        next_page=request.args.get("page", ""),
        max_note=wrap_up.MAX_NOTE,
    )
