"""The benchmark still runs end to end (its figures are read by people, never asserted here)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
assert _spec and _spec.loader
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_run"] = bench  # dataclasses look their module up
_spec.loader.exec_module(bench)

pytestmark = pytest.mark.slow


def test_a_short_benchmark_on_sqlite_stores_every_call_it_completes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures_file = tmp_path / "figures.json"
    args = ["--backend", "sqlite", "--seconds", "1", "--calls", "3", "--think", "0.05"]
    args += ["--connections", "2", "--workers", "2", "--json", str(figures_file)]
    assert bench.main(args) == 0
    printed = capsys.readouterr().out
    assert "complete incidents stored for" in printed  # the run checked the database
    assert "throughput" in printed and "vs bare" in printed
    figures = json.loads(figures_file.read_text())
    assert figures["failed_calls"] == 0
    app_phases = {pair["app"]["kind"]: pair["app"] for pair in figures["pairs"]}
    assert app_phases["latency"]["webhooks"] >= 3 * 17  # three whole calls at least
    assert app_phases["throughput"]["calls"] >= 1
    assert all(pair["bare"]["webhooks"] > 0 for pair in figures["pairs"])
