"""`flask flow`: the picture is drawn from the transitions the webhooks dispatch on."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from flask import Flask

from ivr.domain.call_flow import MENUS, TRANSITIONS, Step
from ivr.flow_diagram import to_dot

DOCS = Path(__file__).resolve().parents[2] / "docs"


def edges(dot: str) -> set[tuple[str, str]]:
    return set(re.findall(r"^\s+(\w+) -> (\w+) ", dot, flags=re.MULTILINE))


def test_every_transition_is_an_arrow_and_every_step_a_box() -> None:
    dot = to_dot()
    assert edges(dot) == {(t.source.value, t.target.value) for t in TRANSITIONS}
    for step in Step:
        assert re.search(rf"^\s+{step.value} \[label=", dot, flags=re.MULTILINE)


def test_menus_show_their_keys_and_open_closed_branches_differ() -> None:
    dot = to_dot()
    for menu in MENUS.values():
        for choice in menu.choices:
            assert f"{choice.key}: {choice.value.replace('_', ' ')}" in dot
    assert 'severity -> route [label="1, 2, 3, no answer x3 (open)"' in dot
    assert 'severity -> intake [label="1, 2, 3, no answer x3 (closed)"' in dot


def test_committed_diagram_is_current() -> None:
    """The README's picture comes from docs/call-flow.dot; when this fails, regenerate both:
    flask --app app flow -o docs/call-flow.dot
    flask --app app flow --format svg -o docs/call-flow.svg
    """
    assert (DOCS / "call-flow.dot").read_text(encoding="utf-8") == to_dot()
    svg = (DOCS / "call-flow.svg").read_text(encoding="utf-8")
    assert svg.count('class="edge"') == len(edges(to_dot()))


def test_flow_command_prints_dot(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["flow"])
    assert result.exit_code == 0
    assert result.output == to_dot()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_flow_command_renders_svg(app: Flask, tmp_path: Path) -> None:
    out = tmp_path / "flow.svg"
    result = app.test_cli_runner().invoke(args=["flow", "--format", "svg", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_a_desk_of_one_language_is_drawn_without_the_language_menu(
    tmp_path: Path, make_app
) -> None:
    """`flow --desk KEY` (issue 26): a desk of one language asks for none; two desks, two
    pictures where their menus differ."""
    desks = tmp_path / "desks.toml"
    desks.write_text(
        '[desk.ozmo]\nname = "OZMO"\nnumbers = ["+31413741742"]\n'
        '[desk.bayern]\nname = "Bayern"\nnumbers = ["+4989123456"]\nlanguages = ["de"]\n',
        encoding="utf-8",
    )
    app = make_app(DESKS_FILE=str(desks))
    bayern = app.test_cli_runner().invoke(args=["flow", "--desk", "bayern"]).output
    ozmo = app.test_cli_runner().invoke(args=["flow", "--desk", "ozmo"]).output
    assert ("incoming", "language") in edges(ozmo) and "Bayern: call flow" not in ozmo
    assert not {e for e in edges(bayern) if "language" in e}
    assert ("incoming", "announce") in edges(bayern) and "Bayern: call flow" in bayern
    refused = app.test_cli_runner().invoke(args=["flow", "--desk", "nope"])
    assert refused.exit_code != 0 and "the desks are ozmo, bayern" in refused.output
