"""Agents: who is on duty, which languages they speak, where their phone rings."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for

from ivr.console import bp
from ivr.db import get_session
from ivr.models import Agent
from ivr.services import agents


@bp.get("/agents")
def agent_list() -> str:
    return render_template("console/agents.html", agents=agents.all_agents(get_session()))


@bp.post("/agents")
def add_agent() -> Response:
    form = request.form
    languages = ",".join(form.getlist("languages"))
    try:
        agent = agents.add_agent(
            get_session(), form.get("name", ""), form.get("number", ""), languages
        )
    except agents.AgentError as exc:
        flash(str(exc), "error")
    else:
        flash(f"{agent.name} added, on duty, ringing {agent.address}.", "info")
    return redirect(url_for("console.agent_list"))


@bp.post("/agents/<int:agent_id>/duty")
def set_duty(agent_id: int) -> Response:
    session = get_session()
    agent = session.get(Agent, agent_id) or abort(404)
    on_duty = request.form.get("on_duty") == "1"
    agents.set_on_duty(session, agent.name, on_duty)
    flash(f"{agent.name} is {'on' if on_duty else 'off'} duty.", "info")
    return redirect(url_for("console.agent_list"))
