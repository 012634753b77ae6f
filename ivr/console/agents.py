"""Agents: who is on duty, which languages they speak, where their phone rings."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ivr import services
from ivr.console import bp
from ivr.console.helpers import desk, now
from ivr.console.messages import explained
from ivr.db import get_session
from ivr.models import Agent
from ivr.services import agents, pin_tries


@bp.get("/agents")
def agent_list() -> str:
    session = get_session()
    found = agents.all_agents(session)
    # Numbers locked out of the agent menu by wrong PINs (AGENT_PHONE_PIN): the lock ends by itself.
    locked = pin_tries.locks(
        session, [(a.id, a.address) for a in found], desk().caller_key_secret, now()
    )
    return render_template("console/agents.html", agents=found, pin_locks=locked)


@bp.post("/agents")
def add_agent() -> Response:
    form = request.form
    languages = ",".join(form.getlist("languages"))
    try:
        agent = agents.add_agent(
            get_session(), form.get("name", ""), form.get("number", ""), languages
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
    on_duty = request.form.get("on_duty") == "1"
    agents.set_on_duty(session, agent.name, on_duty, services.now())
    flash(
        _("%(name)s is on duty.", name=agent.name)
        if on_duty
        else _("%(name)s is off duty.", name=agent.name),
        "info",
    )
    return redirect(url_for("console.agent_list"))
