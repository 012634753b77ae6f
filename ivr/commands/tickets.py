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
    connector = outbox.configured_connector()
    click.echo(f"{connector.name if connector else 'no ticket system'}: settings match")


@cli.command("sync")
@click.option("--interval", type=float, default=None, help="repeat every this many seconds")
def sync(interval: float | None) -> None:
    """Read what changed in the ticket system and apply it to the line's incidents."""
    connector = outbox.configured_connector()
    if connector is None:
        raise click.ClickException("no ticket system is configured")
    while True:
        synced = outbox.read_progress(connector)
        error = f", not read: {synced.error}" if synced.error else ""
        click.echo(f"progress: {synced.read} read, {synced.applied} new{error}")
        if interval is None:
            return
        time.sleep(interval)
