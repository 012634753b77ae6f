"""Command-line tools for the people who run the line: `flask --app app <group> <command>`.

Each module in this package defines one click group or command named `cli`; all are registered.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
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


def init_app(app: Flask) -> None:
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        app.cli.add_command(module.cli)
