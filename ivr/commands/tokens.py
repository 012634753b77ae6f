"""`flask --app app tokens ...`: bearer tokens for the JSON API."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ivr import services
from ivr.commands import refused_as_error
from ivr.db import get_session
from ivr.models import ApiToken
from ivr.services import users

cli = AppGroup("tokens", help="API tokens: create (shown once), list, revoke.")


@cli.command("create")
@click.argument("name")
def create(name: str) -> None:
    """Create a token for a tool; it is printed once and stored only as a hash."""
    with refused_as_error(users.UserError):
        token = users.create_token(get_session(), name, services.now())
    click.echo(token)


@cli.command("list")
def list_tokens() -> None:
    for row in get_session().scalars(select(ApiToken).order_by(ApiToken.name)):
        used = row.last_used_at.isoformat() if row.last_used_at else "never used"
        click.echo(f"{row.name:<24} created {row.created_at:%Y-%m-%d}  {used}")


@cli.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    if not users.revoke_token(get_session(), name):
        raise click.ClickException(f"no token named {name!r}")
    click.echo(f"token {name} revoked")
