"""The missing-token warning is said once, where it matters: when webhooks are served."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALL = {"CallSid": "CA" + "1" * 32, "From": "+31612345678", "To": "+31413741742"}


def test_cli_commands_do_not_warn_about_the_token(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TWILIO_AUTH_TOKEN"}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", IVR_INSTANCE_DIR=str(tmp_path))
    for args in (["--help"], ["prompts", "--help"], ["twilio", "--help"]):
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "TWILIO_AUTH_TOKEN" not in result.stderr, args


def test_serving_without_a_token_warns_once(make_app, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        app = make_app(TWILIO_AUTH_TOKEN="")
        assert "TWILIO_AUTH_TOKEN" not in caplog.text
        client = app.test_client()
        for _ in range(3):
            assert client.post("/voice/incoming", data=CALL).status_code == 403
    assert caplog.text.count("TWILIO_AUTH_TOKEN is not set") == 1


def test_unsigned_development_mode_warns_once_when_serving(make_app, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        app = make_app(TWILIO_AUTH_TOKEN="", IVR_DEV_UNSIGNED=True)
        client = app.test_client()
        for _ in range(2):
            assert client.post("/voice/incoming", data=CALL).status_code == 200
    assert caplog.text.count("NOT verified") == 1


def test_gunicorn_says_it_once_at_start(monkeypatch) -> None:
    import runpy

    said: list[str] = []

    class Log:
        def warning(self, message: str, *args: object) -> None:
            said.append(message % args if args else message)

    class Server:
        log = Log()

    # The hook marks the environment for its workers: give it a copy, not this process's.
    monkeypatch.setattr(
        os, "environ", {k: v for k, v in os.environ.items() if k != "TWILIO_AUTH_TOKEN"}
    )
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    hooks["when_ready"](Server())
    assert len(said) == 1 and "TWILIO_AUTH_TOKEN" in said[0]
    said.clear()
    os.environ["TWILIO_AUTH_TOKEN"] = "a-token"
    hooks["when_ready"](Server())
    assert said == []
