"""`flask --app app users ...`: who may log in to the console."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ivr.db import get_session
from ivr.models import User
from ivr.services import users

cli = AppGroup("users", help="Console users: create, set a password, list.")


@cli.command("create")
@click.argument("name")
@click.password_option(help="prompted (twice) when not given")
def create(name: str, password: str) -> None:
    """Create a console user."""
    try:
        users.create_user(get_session(), name, password)
    except users.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"user {name} created")


@cli.command("password")
@click.argument("name")
@click.password_option()
def password(name: str, password: str) -> None:
    """Set a new password."""
    try:
        users.set_password(get_session(), name, password)
    except users.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"password of {name} changed")


@cli.command("list")
def list_users() -> None:
    """Every console user."""
    for name in get_session().scalars(select(User.username).order_by(User.username)):
        click.echo(name)
