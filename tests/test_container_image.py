"""The container image, built from the Dockerfile by .ci/image and run with buildah.

It starts the image's entrypoint against a fresh PostgreSQL database, waits until the line is
ready, places one signed call through it, and runs each of the line's roles by its command.
Building takes minutes, so it runs only in CI (CI=true) or when asked (IVR_TEST_IMAGE=1).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, make_url, text

from ivr.phone.transport import OverHttp
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import POSTGRES_URL
from tests.support.servers import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "container-image-test-token"
CALL_SID = "CA" + "2" * 32
ASKED = os.environ.get("CI") == "true" or os.environ.get("IVR_TEST_IMAGE") == "1"


def _why_not() -> str | None:
    if not ASKED:
        return "builds and runs the container image (minutes): set CI=true or IVR_TEST_IMAGE=1"
    if os.geteuid() != 0 and not shutil.which("buildah"):
        return "buildah is not installed and .ci/image cannot install it without root"
    return None


pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(_why_not() is not None, reason=_why_not() or ""),
]


@pytest.fixture(scope="module")
def image() -> str:
    built = subprocess.run(
        [str(ROOT / ".ci" / "image")],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, f".ci/image failed:\n{built.stderr[-4000:]}"
    return built.stdout.strip().splitlines()[-1]


@pytest.fixture
def database_url() -> Iterator[str]:
    """A database of its own on the test server, so no other test's tables are touched."""
    server = make_url(POSTGRES_URL)
    name = f"{server.database}_image_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def container(image: str) -> Iterator[str]:
    name = f"ivr-test-{uuid.uuid4().hex[:8]}"
    subprocess.run(["buildah", "from", "--name", name, image], check=True, capture_output=True)
    try:
        yield name
    finally:
        subprocess.run(["buildah", "rm", name], check=False, capture_output=True)


def _run(container: str, env: dict[str, str], command: Sequence[str]) -> list[str]:
    """`buildah run` as CI can: chroot isolation (crun cannot run here), the host's network."""
    settings = [f"--env={key}={value}" for key, value in env.items()]
    return [
        "buildah", "run", "--isolation", "chroot", "--network", "host", *settings,
        container, "--", *command,
    ]  # fmt: skip


def _ready(base: str, process: subprocess.Popen[bytes]) -> bool:
    """/readyz where the line has one (it also checks the database), else /healthz."""
    if process.poll() is not None:
        raise RuntimeError(f"the container's entrypoint exited with {process.returncode}")
    try:
        reply = requests.get(f"{base}/readyz", timeout=1)
        if reply.status_code == 404:
            reply = requests.get(f"{base}/healthz", timeout=1)
    except requests.RequestException:
        return False
    return reply.status_code == 200


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_the_image_migrates_serves_a_signed_call_and_runs_each_role(
    container: str, database_url: str
) -> None:
    port = free_port()
    env = {
        "DATABASE_URL": database_url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "GUNICORN_BIND": f"127.0.0.1:{port}",  # the image binds 0.0.0.0:8000; CI shares a host
        "WEB_CONCURRENCY": "1",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    base = f"http://127.0.0.1:{port}"
    web = subprocess.Popen(
        _run(container, env, ["./docker-entrypoint.sh"]), cwd=ROOT, start_new_session=True
    )
    try:
        wait_until(lambda: _ready(base, web), 120, "the container's web server")
        # Signed as Twilio signs, every Redirect and action followed, as Twilio would.
        call = TwilioCall(OverHttp(f"{base}/voice/incoming", token=TOKEN), call_sid=CALL_SID)
        call.start()
        assert call.waiting_for == "gather", call.as_text()  # the menu waits for a choice
        assert call.heard, "the caller hears nothing"
        said = {heard.language for heard in call.heard_items if heard.kind == "say"}
        assert said == {"nl-NL", "de-DE"}, call.as_text()  # the choice of language, in both
        call.hang_up()
    finally:
        _stop(web)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        sids = list(connection.scalars(text("SELECT call_sid FROM calls")))
    engine.dispose()
    assert sids == [CALL_SID]  # the container's line wrote the call into its PostgreSQL

    # The sidecars are the same image with another command: each exists, and runs one pass
    # against the line's database.
    sidecars = {
        ("queue", "run", "--help"): "Usage: flask queue run",
        ("outbox", "run", "--help"): "Usage: flask outbox run",
        ("queue", "sweep"): "offers placed: 0",
        ("outbox", "deliver"): "delivered 0, failed 0",
    }
    # Nothing is due, so the pass sends nothing; the address only tells it where tickets go.
    env["INCIDENT_WEBHOOK_URL"] = f"http://127.0.0.1:{free_port()}/tickets"
    for command, expected in sidecars.items():
        shown = subprocess.run(
            _run(container, env, ["flask", "--app", "app", *command]),
            check=False, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert shown.returncode == 0, shown.stderr
        assert expected in shown.stdout, shown.stdout
