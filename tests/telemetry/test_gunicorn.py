"""Under gunicorn: several workers' counters add up in one scrape, and its access log is JSON."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from ivr import migrations
from ivr.phone.transport import OverHttp
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN
from tests.support.servers import gunicorn
from tests.telemetry.scrape import METRICS_TOKEN

CALLS = 6


def scraped_incoming(url: str) -> float:
    """The incoming webhooks counted, as one scrape (one worker, a new connection) sees them."""
    text = requests.get(
        f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10
    ).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith("ivr_webhooks_total{") and 'endpoint="voice.incoming"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_workers_add_up_and_every_line_is_json(tmp_path: Path) -> None:
    url_db = f"sqlite:///{tmp_path / 'ivr.sqlite3'}"
    migrations.upgrade("head", url=url_db)
    (tmp_path / "prometheus").mkdir()
    env = {
        "DATABASE_URL": url_db,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SECRET_KEY": "test",
        "SPOOL_DIR": str(tmp_path / "spool"),
        "METRICS_TOKEN": METRICS_TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "GUNICORN_ACCESSLOG": "-",
    }
    log_path = tmp_path / "stderr.log"
    with log_path.open("wb") as log, gunicorn(env, workers=2, stderr=log) as url:
        for i in range(CALLS):
            TwilioCall(
                OverHttp(f"{url}/voice/incoming", token=TOKEN), from_number=f"+3161234567{i}"
            ).start()
        seen = {scraped_incoming(url) for _ in range(6)}
    assert seen == {CALLS}  # whichever worker answered the scrape
    entries = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
    access = [e for e in entries if e["logger"] == "gunicorn.access"]
    incoming = [e for e in access if e.get("path") == "/voice/incoming"]
    assert len(incoming) == CALLS
    assert all(e["method"] == "POST" and e["status"] == "200" for e in incoming)
    assert all(e.get("request_id") for e in incoming)
    assert any(e["logger"] == "gunicorn.error" for e in entries)  # "Booting worker ..."
    calls = [e for e in entries if e.get("call_sid")]
    assert len({e["call_sid"] for e in calls}) == CALLS
    assert not any(f"3161234567{i}" in log_path.read_text() for i in range(CALLS))  # masked
