"""`flask --app app users ...`: who may log in to the console."""

from __future__ import annotations

from collections.abc import Callable

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.commands import refused_as_error
from ivr.db import get_session
from ivr.models import User
from ivr.services import users

cli = AppGroup(
    "users", help="Console users: create, set a password, disable, enable, delete, list."
)


@cli.command("create")
@click.argument("name")
@click.option("--password", help="prompted (twice) when not given")
def create(name: str, password: str | None) -> None:
    """Create a console user."""
    with refused_as_error(users.UserError):
        name = users.new_name(get_session(), name)  # refused before the password is asked
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        users.create_user(get_session(), name, password)
    click.echo(f"user {name} created")


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
    """Every console user (disabled ones marked)."""
    for user in get_session().scalars(select(User).order_by(User.username)):
        click.echo(user.username + ("  (disabled)" if user.disabled else ""))
