"""A local append-only spool: what a caller told us is kept even while the database is down."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SPOOL_FILE = "pending.jsonl"
LOCK_FILE = ".lock"


@contextmanager
def locked(spool_dir: str | Path) -> Iterator[Path]:
    """Excludes appending while the spool is taken for replay, across worker processes."""
    directory = Path(spool_dir)
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / LOCK_FILE, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield directory
    finally:
        os.close(fd)  # releases the lock


def has_pending(spool_dir: str | Path) -> bool:
    return (Path(spool_dir) / SPOOL_FILE).exists()


def append(spool_dir: str | Path, record: dict[str, Any]) -> None:
    """Append one record durably (fsync) — this runs when nothing else can keep it."""
    line = json.dumps(record, sort_keys=True, default=str) + "\n"
    with locked(spool_dir) as directory:
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
