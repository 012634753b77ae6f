"""`flask --app app agents ...`: who takes the calls."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ivr import services
from ivr.commands import refused_as_error
from ivr.db import get_session
from ivr.services import agents
from ivr.services.desks import line_desks
from ivr.services.presence import BY_HAND, LABELS, PresenceError, change_by_hand, find_agent

cli = AppGroup(
    "agents", help="Agents who take calls: add, list, remove, presence (available, away)."
)


@cli.command("add")
@click.option("--name", required=True)
@click.option("--number", required=True, help="E.164 number, or a sip:/client: address")
@click.option("--languages", default="nl,de", show_default=True)
@click.option(
    "--desk",
    "desks",
    multiple=True,
    metavar="KEY",
    help="A desk the agent serves (repeatable); default: the first desk",
)
def add(name: str, number: str, languages: str, desks: tuple[str, ...]) -> None:
    """Add an agent (on duty from now on)."""
    known = _desk_keys()
    with refused_as_error(agents.AgentError):
        agent = agents.add_agent(
            get_session(), name, number, languages, desks or known[:1], known=known
        )
    serves = ",".join(desks or known[:1])
    click.echo(f"added {agent.name} ({agent.address}, {agent.languages}, desks {serves})")


@cli.command("desks")
@click.argument("name")
@click.option("--desk", "desks", multiple=True, required=True, metavar="KEY")
def set_desks(name: str, desks: tuple[str, ...]) -> None:
    """Set the desks an agent serves (repeat --desk for each)."""
    session = get_session()
    with refused_as_error(agents.AgentError):
        serves = agents.set_desks(session, agents.by_name(session, name), desks, _desk_keys())
    click.echo(f"{name} serves {', '.join(serves)}")


@cli.command("list")
def list_agents() -> None:
    """Every agent, with presence, languages and desks."""
    session = get_session()
    found = agents.all_agents(session)
    desks = agents.desks_of(session, [a.id for a in found])
    for agent in found:
        presence = LABELS.get(agent.presence, agent.presence)
        note = f"  ({agent.presence_note})" if agent.presence_note else ""
        serves = ",".join(desks[agent.id]) or "-"
        click.echo(
            f"{agent.name:<24} {presence:<10} {agent.languages:<6} {serves:<16} "
            f"{agent.address}{note}"
        )


def _desk_keys() -> tuple[str, ...]:
    return line_desks(current_app.extensions).keys


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
