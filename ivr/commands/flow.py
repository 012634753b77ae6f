"""`flask --app app flow`: the call flow as a diagram, drawn from the code's own definition."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import click

from ivr.flow_diagram import to_dot


@click.command("flow")
@click.option("--format", "fmt", type=click.Choice(["dot", "svg", "png"]), default="dot")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
def cli(fmt: str, output: Path | None) -> None:
    """Print the call flow as Graphviz DOT, or render SVG/PNG with Graphviz's `dot`."""
    dot = to_dot()
    if fmt == "dot":
        if output:
            output.write_text(dot, encoding="utf-8")
        else:
            click.echo(dot, nl=False)
        return
    graphviz = shutil.which("dot")
    if graphviz is None:
        raise click.ClickException(
            "Graphviz is not installed (Debian: apt-get install graphviz); use --format dot"
        )
    rendered = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [graphviz, f"-T{fmt}"], input=dot.encode(), capture_output=True, check=True, timeout=60
    ).stdout
    if output:
        output.write_bytes(rendered)
    else:
        click.get_binary_stream("stdout").write(rendered)
