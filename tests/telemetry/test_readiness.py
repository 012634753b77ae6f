"""`/healthz` says the process lives; `/readyz` says it can take calls, or why not (503)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ivr import health, migrations

UNREACHABLE = "postgresql+psycopg://ivr:ivr@127.0.0.1:9/ivr"


def reasons(client) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get("/readyz")
    assert response.status_code == 503, response.get_json()
    body = response.get_json()
    assert body["status"] == "not ready"
    return body["reasons"]


@pytest.fixture(autouse=True)
def compiled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """Catalogs of this test's own, compiled (a checkout's may not be)."""
    sources = []
    for name in ("nl.po", "de.po"):
        po = tmp_path / "catalogs" / name
        po.parent.mkdir(exist_ok=True)
        po.write_text("")
        po.with_suffix(".mo").write_bytes(b"")
        sources.append(po)
    monkeypatch.setattr(health, "catalog_sources", lambda: sources)
    return sources


def test_ready_when_everything_is_in_place(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_json() == {"status": "ready"}
    assert client.get("/healthz").status_code == 200


def test_not_ready_without_the_database(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(DATABASE_URL=UNREACHABLE, DB_TIMEOUT_SECONDS=1).test_client()
    assert reasons(client) == ["database unreachable (OperationalError)"]


def test_not_ready_on_an_old_schema(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    migrations.upgrade("head", url=url)
    migrations.downgrade("-1", url=url)
    (reason,) = reasons(make_app(DATABASE_URL=url).test_client())
    assert reason.startswith("database schema at ") and reason.endswith(": migrate it")
    empty = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}").test_client()
    assert reasons(empty)[0].startswith("database schema at nothing")


def test_not_ready_with_a_catalog_not_compiled(client, compiled: list[Path]) -> None:  # type: ignore[no-untyped-def]
    compiled[0].with_suffix(".mo").unlink()
    os.utime(compiled[1], ns=(2**62, 2**62))  # edited after its .mo was written
    found = reasons(client)
    assert len(found) == 2 and all(r.startswith("catalog not compiled") for r in found)
    assert found[0].endswith("nl.po") and found[1].endswith("de.po")


def test_not_ready_when_the_spool_cannot_be_written(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    client = make_app(SPOOL_DIR=str(blocked / "spool")).test_client()
    assert reasons(client) == [f"spool directory not writable: {blocked / 'spool'}"]


def test_the_container_health_check_asks_for_readiness() -> None:
    from ivr.config import ROOT

    (check,) = [
        line
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.startswith("HEALTHCHECK")
    ]
    assert "/readyz" in check and "/healthz" not in check
