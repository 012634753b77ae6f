"""`flask --app app tokens ...`: bearer tokens for the JSON API."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ivr import services
from ivr.commands import desk_role_options, given_roles, refused_as_error
from ivr.db import get_session
from ivr.models import ApiToken
from ivr.services import roles, users

cli = AppGroup("tokens", help="API tokens: create (shown once), list, revoke.")


@cli.command("create")
@click.argument("name")
@desk_role_options
def create(name: str, desk: tuple[str, ...], role: str | None) -> None:
    """Create a token for a tool; it is printed once and stored only as a hash. Scoped as a
    user is: `--desk K --role agent|lead` (repeatable `--desk`) or `--role admin` (every desk;
    the default where the line has one desk)."""
    with refused_as_error(users.UserError, roles.RoleError):
        given = given_roles(desk, role, "token")
        token = users.create_token(get_session(), name, services.now(), given)
    click.echo(token)


@cli.command("list")
def list_tokens() -> None:
    """Every token, when it was made and last used, and the desks it may read."""
    session = get_session()
    for row in session.scalars(select(ApiToken).order_by(ApiToken.name)):
        used = row.last_used_at.isoformat() if row.last_used_at else "never used"
        held = roles.described(roles.token_access(session, row.id))
        click.echo(f"{row.name:<24} created {row.created_at:%Y-%m-%d}  {used}  {held}")


@cli.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    if not users.revoke_token(get_session(), name):
        raise click.ClickException(f"no token named {name!r}")
    click.echo(f"token {name} revoked")
