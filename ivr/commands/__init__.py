"""Command-line tools for the people who run the line: `flask --app app <group> <command>`.

Each module in this package defines one click group or command named `cli`; all are registered.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from flask import Flask


@contextmanager
def refused_as_error(*refusals: type[Exception]) -> Iterator[None]:
    """A service's refusal is the command's one error line (exit 1), not a traceback."""
    try:
        yield
    except refusals as exc:
        raise click.ClickException(str(exc)) from exc


def verbose_option(*, everything: bool = False) -> Callable[[Callable[..., object]], object]:
    """`--verbose`: Alembic's INFO lines (quiet otherwise); with `everything`, the line's own
    INFO lines too, which a command like `flask call` keeps out of what it shows otherwise."""

    def shown(ctx: click.Context, _param: click.Parameter, verbose: bool) -> bool:
        level = logging.INFO if verbose else logging.WARNING
        for name in ("alembic", "ivr") if everything else ("alembic",):
            logger = logging.getLogger(name)
            ctx.call_on_close(lambda logger=logger, was=logger.level: logger.setLevel(was))
            logger.setLevel(level)
        return verbose

    return click.option(
        "--verbose",
        "-v",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=shown,
        help="Show the log's INFO lines (Alembic's too).",
    )


# `--desk` and `--role` as the users and tokens commands take them (issue 26).
def desk_role_options(command: Callable[..., Any]) -> Callable[..., Any]:
    from ivr.services import roles

    command = click.option(
        "--role",
        type=click.Choice(roles.ROLES),
        help="agent, lead (on the --desk given) or admin (every desk)",
    )(command)
    return click.option(
        "--desk", multiple=True, help="a desk key (repeatable); none with --role admin"
    )(command)


def given_roles(desks: tuple[str, ...], role: str | None, who: str) -> dict[str, str] | None:
    """The roles asked for; None (an admin of every desk) only where the line has one desk."""
    from flask import current_app

    from ivr.services import roles
    from ivr.services.desks import line_desks

    declared = line_desks(current_app.extensions).keys
    given = roles.checked_roles(desks, role, declared)
    if given is None and len(declared) > 1:
        raise roles.RoleError(
            f"this line has several desks: give the {who} a --role, with --desk for agent or "
            f"lead ({', '.join(declared)})"
        )
    return given


def desk_option(*, one: bool = False) -> Callable[[Callable[..., Any]], Any]:
    """`--desk KEY` for a command that reads or changes desk data: the command gets the key
    checked against the declared desks; without it, None (all desks) or, with `one`, the first.
    """

    def checked(ctx: click.Context, _param: click.Parameter, key: str | None) -> str | None:
        from flask.cli import ScriptInfo

        # Options are read before the command enters the app's context: ask the app itself.
        desks = ctx.ensure_object(ScriptInfo).load_app().extensions["ivr.desks"]
        if key is None:
            return desks.first.key if one else None
        if desks.get(key) is None:
            raise click.BadParameter(f"no desk {key!r}; the desks are {', '.join(desks.keys)}")
        return key

    default = "the first desk" if one else "all desks"
    return click.option("--desk", callback=checked, help=f"a desk key (default: {default})")


def init_app(app: Flask) -> None:
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        app.cli.add_command(module.cli)
