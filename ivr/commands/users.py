"""`flask --app app users ...`: who may log in to the console."""

from __future__ import annotations

from collections.abc import Callable

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.commands import desk_role_options, given_roles, refused_as_error
from ivr.db import get_session
from ivr.models import User
from ivr.services import roles, users

cli = AppGroup(
    "users",
    help="Console users: create, set a password, roles per desk, disable, enable, delete, list.",
)


@cli.command("create")
@click.argument("name")
@click.option("--password", help="prompted (twice) when not given")
@desk_role_options
def create(name: str, password: str | None, desk: tuple[str, ...], role: str | None) -> None:
    """Create a console user with a role on one or more desks (`--desk K --role agent|lead`,
    `--desk` repeatable) or `--role admin` (every desk). Without a role the user is an admin,
    where the line has one desk; with several desks a role must be given."""
    with refused_as_error(users.UserError, roles.RoleError):
        given = given_roles(desk, role, "user")
        name = users.new_name(get_session(), name)  # refused before the password is asked
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        users.create_user(get_session(), name, password, given)
    click.echo(
        f"user {name} created ({roles.described(roles.Access(given or roles.ADMIN_ACCESS.roles))})"
    )


@cli.command("role")
@click.argument("name")
@click.option("--desk", multiple=True, help="a desk key (repeatable); none with admin")
@click.option(
    "--role",
    required=True,
    type=click.Choice([*roles.ROLES, "none"]),
    help="the role on those desks; none takes it away",
)
def role(name: str, desk: tuple[str, ...], role: str) -> None:
    """Change a user's role on desks: `--desk K --role lead`; `--role admin` (every desk);
    `--desk K --role none` takes the role on K away. A desk role makes an admin a non-admin."""
    with refused_as_error(users.UserError, roles.RoleError):
        session = get_session()
        if role == "none":
            if not desk:
                raise roles.RoleError("give the --desk whose role to take away")
            for key in desk:
                users.drop_role(session, name, key)
        else:
            given = given_roles(desk, role, "user")
            assert given is not None
            users.set_roles(session, name, given)
        now_held = roles.described(users.access_of(session, name))
    click.echo(f"{name}: {now_held}")


@cli.command("password")
@click.argument("name")
@click.password_option()
def password(name: str, password: str) -> None:
    """Set a new password."""
    with refused_as_error(users.UserError):
        users.set_password(get_session(), name, password)
    click.echo(f"password of {name} changed")


@cli.command("disable")
@click.argument("name")
def disable(name: str) -> None:
    """Stop a user from logging in; their sessions end at once."""
    _apply(lambda session: users.set_disabled(session, name, True), f"{name} disabled")


@cli.command("enable")
@click.argument("name")
def enable(name: str) -> None:
    """Let a disabled user log in again."""
    _apply(lambda session: users.set_disabled(session, name, False), f"{name} enabled")


@cli.command("delete")
@click.argument("name")
def delete(name: str) -> None:
    """Delete a user; their sessions end at once."""
    _apply(lambda session: users.delete_user(session, name), f"user {name} deleted")


def _apply(change: Callable[[Session], None], done: str) -> None:
    with refused_as_error(users.UserError):
        change(get_session())
    click.echo(done)


@cli.command("list")
def list_users() -> None:
    """Every console user with their roles per desk (`a:lead b:agent`; none shown: an admin of
    every desk), disabled ones marked."""
    session = get_session()
    for user in session.scalars(select(User).order_by(User.username)):
        access = roles.user_access(session, user.id)
        held = "" if access.admin else "  " + roles.described(access)
        click.echo(user.username + held + ("  (disabled)" if user.disabled else ""))
