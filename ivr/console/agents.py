"""Agents: who is on duty, which languages they speak, where their phone rings."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ivr import services
from ivr.console.blueprint import bp
from ivr.console.helpers import desk, now
from ivr.console.messages import explained
from ivr.db import get_session
from ivr.models import Agent
from ivr.services import agents, pin_tries
from ivr.services.board import wall_board
from ivr.services.desks import Desks

DUTY_VALUES = {"1": True, "0": False}


def _desks() -> Desks:
    return current_app.extensions["ivr.desks"]


@bp.get("/agents")
def agent_list(status: int = 200) -> tuple[str, int]:
    session = get_session()
    found = agents.all_agents(session)
    # The live state as the wall board has it: ringing, on a call, wrap-up (over when it is).
    board = wall_board(session, current_app.extensions["ivr.queue"], services.now())
    presence = {row.name: row.presence for row in board.agents}
    # Numbers locked out of the agent menu by wrong PINs (AGENT_PHONE_PIN): the lock ends by itself.
    locked = pin_tries.locks(
        session, [(a.id, a.address) for a in found], desk().caller_key_secret, now()
    )
    desks = _desks()
    page = render_template(
        "console/agents.html",
        agents=found,
        presence=presence,
        pin_locks=locked,
        # A line of several desks shows and edits which desks each agent serves (issue 26).
        desks=list(desks) if len(desks) > 1 else [],
        serves=agents.desks_of(session, [a.id for a in found]) if len(desks) > 1 else {},
    )
    return page, status


@bp.get("/agents/<int:agent_id>/remove")
def confirm_removal(agent_id: int) -> str:
    """Removing an agent is asked once more, on a page of its own (no script needed)."""
    agent = get_session().get(Agent, agent_id) or abort(404)
    return render_template("console/agent_remove.html", agent=agent)


@bp.post("/agents")
def add_agent() -> Response:
    form = request.form
    languages = ",".join(form.getlist("languages"))
    known = _desks().keys
    try:
        agent = agents.add_agent(
            get_session(),
            form.get("name", ""),
            form.get("number", ""),
            languages,
            form.getlist("desks") if len(known) > 1 else known[:1],
            known=known,
        )
    except agents.AgentError as exc:
        flash(explained(exc), "error")
    else:
        flash(
            _(
                "%(name)s added, on duty, ringing %(address)s.",
                name=agent.name,
                address=agent.address,
            ),
            "info",
        )
    return redirect(url_for("console.agent_list"))


@bp.post("/agents/<int:agent_id>/delete")
def remove_agent(agent_id: int) -> Response:
    session = get_session()
    agent = session.get(Agent, agent_id) or abort(404)
    name = agent.name
    try:
        agents.remove_agent(session, agent)
    except agents.AgentError as exc:
        flash(explained(exc), "error")
    else:
        flash(_("%(name)s removed.", name=name), "info")
    return redirect(url_for("console.agent_list"))


@bp.post("/agents/<int:agent_id>/duty")
def set_duty(agent_id: int) -> Response:
    session = get_session()
    agent = session.get(Agent, agent_id) or abort(404)
    on_duty = DUTY_VALUES.get(request.form.get("on_duty", ""))
    if on_duty is None:  # a forged or broken form: say so, never read it as "off"
        flash(_("Not changed: on duty is 1 (on) or 0 (off)."), "error")
        return agent_list(400)  # type: ignore[return-value]
    agents.set_on_duty(session, agent.name, on_duty, services.now())
    flash(
        _("%(name)s is on duty.", name=agent.name)
        if on_duty
        else _("%(name)s is off duty.", name=agent.name),
        "info",
    )
    return redirect(url_for("console.agent_list"))


@bp.post("/agents/<int:agent_id>/desks")
def set_desks(agent_id: int) -> Response:
    """The desks an agent serves: the checked ones (at least one, each a desk of the line)."""
    session = get_session()
    agent = session.get(Agent, agent_id) or abort(404)
    try:
        agents.set_desks(session, agent, request.form.getlist("desks"), _desks().keys)
    except agents.AgentError as exc:
        flash(explained(exc), "error")
    else:
        flash(_("%(name)s serves the desks checked.", name=agent.name), "info")
    return redirect(url_for("console.agent_list"))
