"""Command-line tools for the people who run the line: `flask --app app <group> <command>`.

Each module in this package defines one click group or command named `cli`; all are registered.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

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


def init_app(app: Flask) -> None:
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        app.cli.add_command(module.cli)
