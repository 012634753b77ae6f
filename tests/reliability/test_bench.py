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


def test_the_scale_benchmark_times_every_operation_over_two_histories(tmp_path: Path) -> None:
    """`bin/bench --scale` from a clean clone: it generates each history and times each
    operation the issue names (it once stopped halfway: dispatch found no agent)."""
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "scale.py")
    assert spec and spec.loader
    scale = importlib.util.module_from_spec(spec)
    sys.modules["bench_scale"] = scale
    spec.loader.exec_module(scale)
    figures_file = tmp_path / "scale.json"
    args = ["--backend", "sqlite", "--sizes", "300,600", "--months", "2,4", "--repeat", "1"]
    assert scale.main([*args, "--json", str(figures_file)]) == 0
    sqlite = json.loads(figures_file.read_text())["sqlite"]
    assert sorted(sqlite["sizes"]) == ["300", "600"]
    for size in ("300", "600"):
        timed = sqlite["sizes"][size]
        assert set(scale.WAITED_FOR) <= set(timed)
        assert all(timed[name] > 0 for name in scale.WAITED_FOR)
    assert set(scale.WAITED_FOR) <= set(sqlite["ratios"])
