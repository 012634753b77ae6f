"""The container's entrypoint, run as the Dockerfile runs it, against a fresh PostgreSQL.

No image builder runs here (no Docker daemon, no network for a base image), so this runs what
the image runs: `docker-entrypoint.sh` in the checkout with the image's environment, on an
empty database. It must migrate it, hand over to gunicorn and serve.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.support.servers import free_port, private_postgres, wait_until

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.postgres
def test_entrypoint_migrates_an_empty_database_and_serves(tmp_path) -> None:
    with private_postgres() as pg:
        port = free_port()
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "DATABASE_URL": pg.url,
            "TWILIO_AUTH_TOKEN": "container-test-token",
            "GUNICORN_BIND": f"127.0.0.1:{port}",  # the image binds 0.0.0.0:8000
            "WEB_CONCURRENCY": "1",
            "IVR_INSTANCE_DIR": str(tmp_path),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        process = subprocess.Popen(
            ["./docker-entrypoint.sh"], cwd=ROOT, env=env, start_new_session=True
        )
        try:

            def healthy() -> bool:
                if process.poll() is not None:
                    raise RuntimeError(f"the entrypoint exited with {process.returncode}")
                try:
                    return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok
                except requests.RequestException:
                    return False

            wait_until(healthy, 90, "the container's entrypoint")
            # The image's HEALTHCHECK asks /readyz: migrated, catalogs compiled, spool writable.
            ready = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
            assert ready.status_code == 200, ready.text
            reply = requests.post(f"http://127.0.0.1:{port}/voice/incoming", timeout=5)
            assert reply.status_code == 403  # unsigned: refused, so the app is the line
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        engine = create_engine(pg.url)
        with engine.connect() as connection:
            tables = set(
                connection.scalars(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                )
            )
        engine.dispose()
        assert {"alembic_version", "calls", "incidents"} <= tables


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["queue", "--help"], "Usage: flask queue run"),
        (["outbox", "--help"], "Usage: flask outbox run"),
        (["flask", "--app", "app", "users", "--help"], "Usage: flask users"),
    ],
)
def test_the_entrypoint_runs_each_role_by_its_name(tmp_path, args: list[str], says: str) -> None:
    """A sidecar's container names its role (compose `command: ["queue"]`); anything else runs
    as given."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "IVR_INSTANCE_DIR": str(tmp_path),
    }
    result = subprocess.run(
        ["./docker-entrypoint.sh", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert says in result.stdout
