"""The command line says what the operator asked for: no catalog compiling, no Alembic chatter."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ivr import catalogs, console_catalogs

ROOT = Path(__file__).resolve().parents[1]


def copied_catalogs(tmp_path: Path) -> Path:
    for locale in console_catalogs.LANGUAGES:
        source = console_catalogs.po_path(locale)
        target = console_catalogs.po_path(locale, tmp_path)
        target.parent.mkdir(parents=True)
        shutil.copy(source, target)
    return tmp_path


def test_catalogs_are_compiled_once_until_they_change(tmp_path: Path) -> None:
    directory = copied_catalogs(tmp_path)
    first = console_catalogs.compile_catalogs(directory)
    assert len(first) == 2
    mo = console_catalogs.po_path("de", directory).with_suffix(".mo")
    written = mo.stat().st_mtime_ns
    assert console_catalogs.compile_catalogs(directory) == []  # nothing changed: nothing written
    assert mo.stat().st_mtime_ns == written
    po = console_catalogs.po_path("de", directory)
    os.utime(po, ns=(written + 10**9, written + 10**9))  # the German catalog was edited
    assert console_catalogs.compile_catalogs(directory) == [str(mo)]


def test_compile_says_nothing_when_nothing_changed(capsys: pytest.CaptureFixture[str]) -> None:
    catalogs.main(["catalogs", "compile"])  # whatever was stale is compiled now
    capsys.readouterr()
    assert catalogs.main(["catalogs", "compile"]) == 0
    assert capsys.readouterr().out == ""


def flask(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_call_from_the_command_line_shows_only_the_call(tmp_path: Path) -> None:
    database = tmp_path / "line.sqlite3"
    upgraded = flask(database, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "alembic" not in upgraded.stdout + upgraded.stderr
    call = flask(database, "call", "--keys", "9,9,9")
    assert call.returncode == 0, call.stderr
    heard = call.stdout + call.stderr
    assert "[nl-NL] Welkom bij de servicedesk." in heard
    assert "INFO" not in heard and "alembic" not in heard
    verbose = flask(database, "call", "--verbose", "--keys", "9,9,9")
    assert "INFO alembic.runtime.migration" in verbose.stderr
    assert "INFO ivr.voice.call" in verbose.stderr
