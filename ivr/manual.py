"""The manual's generated parts (settings, CLI, modules, flow), written from the code: no drift.

`python -m ivr.manual` rewrites them in docs/; `python -m ivr.manual --check` exits 1 when one is
stale (the tests check the same).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HELP_WIDTH = 100


def block(text: str, name: str) -> str:
    """`text` between the markers a page keeps its generated part in."""
    return (
        f"<!-- generated: {name}; python -m ivr.manual writes it, a test keeps it in step -->\n"
        f"{text}\n<!-- end generated: {name} -->"
    )


def replace_block(page: str, name: str, text: str) -> str:
    """The page with its generated part `name` replaced by `text`."""
    start, end = f"<!-- generated: {name};", f"<!-- end generated: {name} -->"
    head, found, rest = page.partition(start)
    if not found or end not in rest:
        raise ValueError(f"no generated block {name!r} in the page")
    return head + block(text, name) + rest.split(end, 1)[1]


def _help(command: click.Command, path: str) -> str:
    ctx = click.Context(command, info_name=path, terminal_width=HELP_WIDTH)
    ctx.max_content_width = HELP_WIDTH
    return command.get_help(ctx)


def _commands(
    command: click.Command, path: str, depth: int = 2
) -> Iterator[tuple[int, str, click.Command]]:
    yield depth, path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _commands(command.commands[name], f"{path} {name}", depth + 1)


def cli_reference() -> str:
    """Every command of `flask --app app`, with its `--help`, in the order `flask` lists them."""
    from ivr import commands

    parts = []
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        top = importlib.import_module(f"{commands.__name__}.{info.name}").cli
        for depth, path, command in _commands(top, f"flask --app app {top.name}"):
            heading = "#" * min(depth, 4)
            summary = command.get_short_help_str(limit=HELP_WIDTH)
            parts.append(f"{heading} `{path}`\n\n{summary}\n\n```text\n{_help(command, path)}\n```")
    return "\n\n".join(parts)


def _first_paragraph(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "(no docstring)"
    return " ".join(doc.split("\n\n")[0].split()).replace("|", "\\|")


def module_list() -> str:
    """Every package and module under ivr/, with the first paragraph of its docstring."""
    rows = ["| module | what it is for |", "|---|---|"]
    for path in sorted((ROOT / "ivr").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        label = f"**`{name}`**" if parts[-1] == "__init__" else f"`{name}`"
        rows.append(f"| {label} | {_first_paragraph(path)} |")
    return "\n".join(rows)


def flow_table() -> str:
    """The call flow's transitions, the table the webhooks dispatch on."""
    from ivr.domain.call_flow import TRANSITIONS

    hours = {None: "always", True: "open", False: "closed"}
    rows = ["| from | on | when | to |", "|---|---|---|---|"]
    for t in TRANSITIONS:
        outcome = t.outcome.replace("|", "\\|")
        rows.append(f"| `{t.source}` | {outcome} | {hours[t.when_open]} | `{t.target}` |")
    return "\n".join(rows)


def _settings() -> str:
    from ivr.config import settings_table

    return settings_table()


# Page under docs/, block name, generator.
GENERATED: tuple[tuple[str, str, Callable[[], str]], ...] = (
    ("run/settings.md", "settings", _settings),
    ("reference/cli.md", "cli", cli_reference),
    ("inside/modules.md", "modules", module_list),
    ("inside/flow.md", "flow", flow_table),
)


def stale() -> list[str]:
    """The pages whose generated part differs from what the code says now."""
    return [
        page
        for page, name, make in GENERATED
        if block(make(), name) not in (DOCS / page).read_text(encoding="utf-8")
    ]


def write(*names: str) -> None:
    """Rewrite the generated parts named (all of them when none is)."""
    for page, name, make in GENERATED:
        if names and name not in names:
            continue
        path = DOCS / page
        path.write_text(replace_block(path.read_text(encoding="utf-8"), name, make()), "utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        pages = stale()
        for page in pages:
            print(f"docs/{page} is stale: python -m ivr.manual", file=sys.stderr)
        sys.exit(1 if pages else 0)
    write()
