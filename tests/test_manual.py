"""The README stays short and its links work; the manual's generated pages match the code."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from ivr import manual

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# [text](target) and ![alt](target), the target up to a space, `)` or a title.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def relative_links(markdown: str) -> list[str]:
    targets = LINK.findall(re.sub(r"```.*?```", "", markdown, flags=re.DOTALL))
    return [t for t in targets if not re.match(r"[a-z][a-z0-9+.-]*:", t) and not t.startswith("#")]


def test_the_readme_is_at_most_12_kb() -> None:
    assert README.stat().st_size <= 12 * 1024


def test_every_relative_link_in_the_readme_resolves() -> None:
    links = relative_links(README.read_text(encoding="utf-8"))
    assert "docs/call-flow.svg" in links and "docs/run/twilio.md" in links
    missing = [t for t in links if not (ROOT / t.split("#")[0]).exists()]
    assert missing == []


def test_the_link_check_sees_a_broken_link() -> None:
    links = relative_links("See [a](docs/nowhere.md#x), ![b](docs/call-flow.svg), [c](https://x.y)")
    assert links == ["docs/nowhere.md#x", "docs/call-flow.svg"]
    assert not (ROOT / links[0].split("#")[0]).exists()


def test_the_readme_says_what_a_desk_lead_does_first() -> None:
    first = (
        README.read_text(encoding="utf-8").split("## Your first 15 minutes")[1].split("\n## ")[0]
    )
    for step in ("agents add", "call --at", "users create", "/console/"):
        assert step in first, step


def test_the_generated_pages_are_in_step_with_the_code() -> None:
    assert manual.stale() == [], "the manual is stale: python -m ivr.manual"


def test_the_cli_reference_lists_every_command(app: Flask) -> None:
    page = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    assert "agents" in app.cli.commands
    for name, group in app.cli.commands.items():
        assert f"`flask --app app {name}`" in page, name
        for sub in getattr(group, "commands", {}):
            assert f"`flask --app app {name} {sub}`" in page, f"{name} {sub}"


def test_the_module_list_names_every_module() -> None:
    page = (ROOT / "docs" / "inside" / "modules.md").read_text(encoding="utf-8")
    for path in (ROOT / "ivr").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        assert f"`{name}`" in page, name


def test_a_stale_block_is_found_and_rewritten() -> None:
    page = f"# Title\n\n{manual.block('old', 'cli')}\n\nafter\n"
    rewritten = manual.replace_block(page, "cli", "new")
    assert rewritten == f"# Title\n\n{manual.block('new', 'cli')}\n\nafter\n"
    with pytest.raises(ValueError, match="no generated block"):
        manual.replace_block("# no markers", "cli", "new")


def test_the_webhooks_page_names_every_route_the_line_serves(app: Flask) -> None:
    page = (ROOT / "docs" / "reference" / "webhooks.md").read_text(encoding="utf-8")
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/voice/", "/api/", "/audio/", "/healthz")):
            assert f"`{rule.rule}`" in page, rule.rule


def test_bin_test_builds_the_manual_strictly_after_lint() -> None:
    script = (ROOT / "bin" / "test").read_text(encoding="utf-8")
    assert script.index("ruff format --check") < script.index("mkdocs build --strict")
    assert script.index("mkdocs build --strict") < script.index("pytest")


def build(root: Path) -> subprocess.CompletedProcess[str]:
    # Not --quiet: it hides the warnings that --strict turns into a failure.
    return subprocess.run(
        ["mkdocs", "build", "--strict", "--site-dir", str(root / "site")],
        cwd=root, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip


@pytest.mark.skipif(shutil.which("mkdocs") is None, reason="mkdocs is not installed")
def test_the_manual_builds_strictly_and_fails_on_a_page_left_out(tmp_path: Path) -> None:
    shutil.copy(ROOT / "mkdocs.yml", tmp_path)
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    (tmp_path / "docs" / "notes").mkdir(exist_ok=True)
    (tmp_path / "docs" / "notes" / "a-branch.md").write_text("# Draft\n\n[later](nowhere.md)\n")
    result = build(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "run" / "settings" / "index.html").exists()
    assert not (tmp_path / "site" / "notes").exists()
    (tmp_path / "docs" / "stray.md").write_text("# Not in the navigation\n")
    assert build(tmp_path).returncode != 0
    (tmp_path / "docs" / "stray.md").unlink()
    page = tmp_path / "docs" / "run" / "twilio.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[gone](no-such-page.md)\n")
    assert build(tmp_path).returncode != 0
