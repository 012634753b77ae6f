"""`flask --app app db ...`: the database schema, through Alembic."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ivr import migrations
from ivr.commands import verbose_option

cli = AppGroup("db", help="Database schema (Alembic migrations).")


@cli.command("upgrade")
@click.argument("revision", default="head")
@verbose_option()
def db_upgrade(revision: str) -> None:
    """Upgrade the database to REVISION (default: the newest)."""
    migrations.upgrade(revision)
    click.echo(f"database at {migrations.current() or 'base'}")


@cli.command("downgrade")
@click.argument("revision", default="-1")
@verbose_option()
def db_downgrade(revision: str) -> None:
    """Downgrade the database to REVISION (default: one step back)."""
    migrations.downgrade(revision)
    click.echo(f"database at {migrations.current() or 'base'}")


@cli.command("check")
def db_check() -> None:
    """Fail when the models and the migrations disagree."""
    migrations.check()
    click.echo("models and migrations agree")
