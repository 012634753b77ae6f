"""The key that signs console sessions: made once in the instance folder, shared by all workers."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ivr.config import INSTANCE_DIR


def persistent_secret_key(instance_dir: Path = INSTANCE_DIR) -> str:
    """A random key created once and kept, so all workers and restarts share sessions."""
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        # Written aside and hard-linked into place: atomic, so racing workers agree on one key.
        tmp = instance_dir / f".secret_key.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
