"""Agents: who is on duty, which languages they speak, where their phone rings."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ivr import services
from ivr.console.blueprint import bp
from ivr.console.helpers import desk, needs, now, reach, scope
from ivr.console.messages import explained
from ivr.db import get_session
from ivr.models import Agent
from ivr.services import agents, pin_tries, scoped
from ivr.services.board import wall_board
from ivr.services.desk import Desk
from ivr.services.desks import Desks, line_desks
from ivr.services.roles import LEAD

DUTY_VALUES = {"1": True, "0": False}


def _agent(agent_id: int) -> Agent:
    """An agent of a desk of the user's (else 404), where the user is a lead (else 403)."""
    session = get_session()
    scoped.agent(session, agent_id, reach()) or abort(404)
    return scoped.agent(session, agent_id, reach(LEAD)) or abort(403)


def _desks() -> Desks:
    return line_desks(current_app.extensions)


def _leading(line: Desks) -> list[Desk]:
    """The desks of the line where the user is a lead (all of them for an admin)."""
    mine = reach(LEAD)
    return [d for d in line if mine is None or d.key in mine]


def _chosen_desks(line: Desks) -> list[str]:
    """The desks checked in the form; only desks the user leads can be given to an agent."""
    if len(line) == 1:
        return list(line.keys)
    allowed = {d.key for d in _leading(line)}
    chosen = request.form.getlist("desks")
    if any(key in line.keys and key not in allowed for key in chosen):
        abort(404)  # a desk this user has no lead role in does not exist for them
    return chosen  # an unknown key is refused, with the desks named, by the service


@bp.get("/agents")
@needs(LEAD)
def agent_list(status: int = 200) -> tuple[str, int]:
    session = get_session()
    desks = scope(LEAD)
    found = scoped.agents(session, desks)
    # The live state as the wall board has it: ringing, on a call, wrap-up (over when it is).
    board = wall_board(session, current_app.extensions["ivr.queue"], services.now(), desks)
    presence = {row.name: row.presence for row in board.agents}
    # Numbers locked out of the agent menu by wrong PINs (AGENT_PHONE_PIN): the lock ends by itself.
    locked = pin_tries.locks(
        session, [(a.id, a.address) for a in found], desk().caller_key_secret, now()
    )
    line = _desks()
    page = render_template(
        "console/agents.html",
        agents=found,
        presence=presence,
        pin_locks=locked,
        # A line of several desks shows and edits which desks each agent serves (issue 26):
        # a lead chooses among the desks they lead.
        desks=_leading(line) if len(line) > 1 else [],
        serves=agents.desks_of(session, [a.id for a in found]) if len(line) > 1 else {},
    )
    return page, status


@bp.get("/agents/<int:agent_id>/remove")
def confirm_removal(agent_id: int) -> str:
    """Removing an agent is asked once more, on a page of its own (no script needed)."""
    agent = _agent(agent_id)
    return render_template("console/agent_remove.html", agent=agent)


@bp.post("/agents")
@needs(LEAD)
def add_agent() -> Response:
    form = request.form
    languages = ",".join(form.getlist("languages"))
    line = _desks()
    try:
        agent = agents.add_agent(
            get_session(),
            form.get("name", ""),
            form.get("number", ""),
            languages,
            _chosen_desks(line),
            known=line.keys,
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
    agent = _agent(agent_id)
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
    agent = _agent(agent_id)
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
    agent = _agent(agent_id)
    line = _desks()
    # The desks the user does not lead stay as they are; of theirs, the checked ones.
    kept = [key for key in agents.desks_of(session, [agent.id]).get(agent.id, [])
            if key not in {d.key for d in _leading(line)}]  # fmt: skip
    try:
        agents.set_desks(session, agent, kept + _chosen_desks(line), line.keys)
    except agents.AgentError as exc:
        flash(explained(exc), "error")
    else:
        flash(_("%(name)s serves the desks checked.", name=agent.name), "info")
    return redirect(url_for("console.agent_list"))
