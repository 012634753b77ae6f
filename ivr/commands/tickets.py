"""`flask --app app tickets ...`: the ticket system (issue 28): check it, read its progress."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from ivr.commands import outbox

cli = AppGroup("tickets", help="The ticket system: check its settings, read its progress back.")


@cli.command("check")
def check() -> None:
    """Build the configured connector and check its settings against the system."""
    routes = outbox.configured_routes()
    for route in routes:
        if route.own:
            name = route.connector.name if route.connector else "no ticket system"
            click.echo(f"desk {route.desk.key}: {name}: settings match")
        elif route.connector or len(routes) == 1:
            name = route.connector.name if route.connector else "no ticket system"
            click.echo(f"{name}: settings match")


@cli.command("sync")
@click.option("--interval", type=float, default=None, help="repeat every this many seconds")
def sync(interval: float | None) -> None:
    """Read what changed in the ticket system and apply it to the line's incidents."""
    routes = outbox.configured_routes()
    if not any(route.connector for route in routes):
        raise click.ClickException("no ticket system is configured")
    while True:
        synced = outbox.read_progress(routes)
        error = f", not read: {synced.error}" if synced.error else ""
        click.echo(f"progress: {synced.read} read, {synced.applied} new{error}")
        if interval is None:
            return
        time.sleep(interval)
