"""The alerting rules and the Grafana dashboard name only metrics the line really exports."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from ivr.config import ROOT
from tests.telemetry.scrape import METRICS_TOKEN

ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboard.json"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "bool", "offset", "le"}
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_MATCHERS = re.compile(r"\{[^}]*\}|\[[^\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_IDENTIFIER = re.compile(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?")


def metric_names(expr: str) -> set[str]:
    """The series names a PromQL expression selects (functions and keywords left out)."""
    bare = _GROUPING.sub(" ", _MATCHERS.sub(" ", _STRINGS.sub(" ", expr)))
    return {
        name
        for name, call in _IDENTIFIER.findall(bare)
        if not call and name not in KEYWORDS and not name[0].isdigit()
    }


def test_metric_names_are_found_in_an_expression() -> None:
    expr = 'histogram_quantile(0.95, sum by (le) (rate(x_bucket{a="b c"}[5m]))) > 2 and on (d) y'
    assert metric_names(expr) == {"x_bucket", "y"}


@pytest.fixture
def exported(make_app) -> set[str]:  # type: ignore[no-untyped-def]
    """Every series name a real scrape of the line announces."""
    client = make_app(METRICS_TOKEN=METRICS_TOKEN).test_client()
    text = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    names = set()
    for family in text_string_to_metric_families(text):
        names |= {family.name + suffix for suffix in SUFFIXES.get(family.type, ("",))}
        names |= {sample.name for sample in family.samples}
    return {name for name in names if name.startswith("ivr_")}


def rule_expressions() -> Iterator[tuple[str, str]]:
    for group in yaml.safe_load(ALERTS.read_text())["groups"]:
        for rule in group["rules"]:
            yield rule["alert"], rule["expr"]


def panel_expressions() -> Iterator[tuple[str, str]]:
    for panel in json.loads(DASHBOARD.read_text())["panels"]:
        for target in panel["targets"]:
            yield panel["title"], target["expr"]


def test_every_alert_names_an_exported_metric(exported: set[str]) -> None:
    rules = dict(rule_expressions())
    for wanted in (
        "IvrWebhooksFailing", "IvrWebhooksSlow", "IvrDatabaseUnreachable", "IvrSpoolFilling",
        "IvrDeadLetters", "IvrOutboxStuck", "IvrCallersWaitWithAgentsFree",
        "IvrNoAgentInOpeningHours", "IvrTwilioRefusesAccount", "IvrSidecarStopped",
    ):  # fmt: skip
        assert wanted in rules
    for alert, expr in rules.items():
        names = metric_names(expr)
        assert names, alert
        assert names <= exported, f"{alert} names {names - exported}, not exported"


def test_every_dashboard_panel_names_an_exported_metric(exported: set[str]) -> None:
    used: set[str] = set()
    for title, expr in panel_expressions():
        names = metric_names(expr)
        assert names and names <= exported, f"panel {title!r}: {names - exported} not exported"
        used |= names
    # The dashboard shows every figure the line exports (a histogram by its buckets).
    shown = {re.sub(r"_(bucket|count|sum)$", "", n) for n in used}
    assert {re.sub(r"_(bucket|count|sum)$", "", n) for n in exported} - shown <= {
        "ivr_spool_files",
        "ivr_spool_bytes",
    }


@pytest.mark.skipif(
    shutil.which("promtool") is None and not os.environ.get("CI"),
    reason="promtool is not installed (.ci/promtool installs Debian's prometheus)",
)
def test_promtool_accepts_the_rules() -> None:
    assert shutil.which("promtool"), "CI must check the rules with promtool: run .ci/promtool"
    result = subprocess.run(
        ["promtool", "check", "rules", str(ALERTS)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
