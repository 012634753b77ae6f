"""A local append-only spool: what a caller told us is kept even while the database is down."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SPOOL_FILE = "pending.jsonl"


def append(spool_dir: str | Path, record: dict[str, Any]) -> None:
    """Append one record durably (fsync) — this runs when nothing else can keep it."""
    directory = Path(spool_dir)
    directory.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, sort_keys=True, default=str) + "\n"
    fd = os.open(directory / SPOOL_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def pending(spool_dir: str | Path) -> Iterator[dict[str, Any]]:
    path = Path(spool_dir) / SPOOL_FILE
    if path.exists():
        yield from read(path)


def read(path: Path) -> Iterator[dict[str, Any]]:
    with path.open() as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
