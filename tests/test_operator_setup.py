"""A new operator's first steps: the documented commands work as written."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bin_flask_runs_the_apps_commands_with_another_flask_first_on_the_path(tmp_path) -> None:
    decoy = tmp_path / "bin"
    decoy.mkdir()
    (decoy / "flask").write_text("#!/bin/sh\necho 'Error: No such command' >&2; exit 2\n")
    (decoy / "flask").chmod(0o755)
    env = {**os.environ, "PATH": f"{decoy}:/usr/bin:/bin", "IVR_INSTANCE_DIR": str(tmp_path)}
    env.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        [str(ROOT / "bin" / "flask"), "--app", "app", "agents", "--help"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "off-duty" in result.stdout


def test_pyproject_does_not_pretend_to_be_installable() -> None:
    """Deployed from its checkout: no [project] table that `pip install .` trips over."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "project" not in data or "build-system" in data


def test_readme_says_how_to_run_the_commands_and_change_the_port() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    two_commands = readme.split("## Two commands")[1].split("\n## ")[0]
    assert "bin/flask" in two_commands and ". .venv/bin/activate" in two_commands
    assert "GUNICORN_BIND" in two_commands
