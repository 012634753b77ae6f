"""`flask --app app agents ...`: who takes the calls."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ivr import services
from ivr.commands import refused_as_error
from ivr.db import get_session
from ivr.services import agents
from ivr.services.presence import BY_HAND, LABELS, PresenceError, change_by_hand, find_agent

cli = AppGroup(
    "agents", help="Agents who take calls: add, list, remove, presence (available, away)."
)


@cli.command("add")
@click.option("--name", required=True)
@click.option("--number", required=True, help="E.164 number, or a sip:/client: address")
@click.option("--languages", default="nl,de", show_default=True)
def add(name: str, number: str, languages: str) -> None:
    """Add an agent (on duty from now on)."""
    with refused_as_error(agents.AgentError):
        agent = agents.add_agent(get_session(), name, number, languages)
    click.echo(f"added {agent.name} ({agent.address}, {agent.languages})")


@cli.command("list")
def list_agents() -> None:
    """Every agent, with presence and languages."""
    for agent in agents.all_agents(get_session()):
        presence = LABELS.get(agent.presence, agent.presence)
        note = f"  ({agent.presence_note})" if agent.presence_note else ""
        click.echo(f"{agent.name:<24} {presence:<10} {agent.languages:<6} {agent.address}{note}")


@cli.command("presence")
@click.argument("name")
@click.argument("presence", type=click.Choice(BY_HAND))
def set_presence(name: str, presence: str) -> None:
    """Set an agent available (offers ring them) or away (they do not)."""
    session = get_session()
    with refused_as_error(PresenceError):
        agent = change_by_hand(session, find_agent(session, name), presence, services.now())
    click.echo(f"{agent.name} is {LABELS[agent.presence]}")


@cli.command("link")
@click.argument("name")
@click.argument("username")
def link(name: str, username: str) -> None:
    """Link an agent to their console user: they see and set their own presence there."""
    session = get_session()
    with refused_as_error(agents.AgentError):
        agents.link_user(session, agents.by_name(session, name), username)
    click.echo(f"{username} is {name} in the console")


@cli.command("unlink")
@click.argument("name")
def unlink(name: str) -> None:
    """The agent's console user is no longer linked to them."""
    session = get_session()
    with refused_as_error(agents.AgentError):
        agents.link_user(session, agents.by_name(session, name), None)
    click.echo(f"{name} has no console user")


@cli.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Remove an agent: their phone is no longer rung."""
    session = get_session()
    with refused_as_error(agents.AgentError):
        agents.remove_agent(session, agents.by_name(session, name))
    click.echo(f"{name} removed")


@cli.command("on-duty")
@click.argument("name")
def on_duty(name: str) -> None:
    """Put an agent on duty: calls ring them."""
    _set(name, True)


@cli.command("off-duty")
@click.argument("name")
def off_duty(name: str) -> None:
    """Take an agent off duty: calls no longer ring them."""
    _set(name, False)


def _set(name: str, value: bool) -> None:
    with refused_as_error(agents.AgentError):
        agent = agents.set_on_duty(get_session(), name, value, services.now())
    click.echo(f"{agent.name} is {'on' if agent.on_duty else 'off'} duty")
