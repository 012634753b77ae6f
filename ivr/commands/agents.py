"""`flask --app app agents ...`: who takes the calls."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ivr.db import get_session
from ivr.services import agents

cli = AppGroup("agents", help="Agents who take calls: add, list, on duty, off duty.")


@cli.command("add")
@click.option("--name", required=True)
@click.option("--number", required=True, help="E.164 number, or a sip:/client: address")
@click.option("--languages", default="nl,de", show_default=True)
def add(name: str, number: str, languages: str) -> None:
    """Add an agent (on duty from now on)."""
    try:
        agent = agents.add_agent(get_session(), name, number, languages)
    except agents.AgentError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"added {agent.name} ({agent.address}, {agent.languages})")


@cli.command("list")
def list_agents() -> None:
    """Every agent, with duty and languages."""
    for agent in agents.all_agents(get_session()):
        duty = "on duty " if agent.on_duty else "off duty"
        click.echo(f"{agent.name:<24} {duty}  {agent.languages:<6} {agent.address}")


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
    try:
        agent = agents.set_on_duty(get_session(), name, value)
    except agents.AgentError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{agent.name} is {'on' if agent.on_duty else 'off'} duty")
