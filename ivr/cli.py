"""Command-line tools for the people who run the line: `flask --app app <group> <command>`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask.cli import AppGroup

from ivr import migrations

if TYPE_CHECKING:
    from flask import Flask

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the database to REVISION (default: the newest)."""
    migrations.upgrade(revision)
    click.echo(f"database at {migrations.current() or 'base'}")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Downgrade the database to REVISION (default: one step back)."""
    migrations.downgrade(revision)
    click.echo(f"database at {migrations.current() or 'base'}")


@db_cli.command("check")
def db_check() -> None:
    """Fail when the models and the migrations disagree."""
    migrations.check()
    click.echo("models and migrations agree")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
