"""A local append-only spool: what a caller told us is kept even while the database is down.

Files in the spool directory:
- `pending.jsonl`: events waiting for the database, appended by every worker (one JSON line each).
- `pending.replaying.<pid>`: taken aside by a replayer, which holds an exclusive `flock` on it
  while it works. A file nobody holds a lock on belongs to a replayer that died: the next replay
  takes it over, so a crash mid-replay loses nothing (events are idempotent upserts, so applying
  some twice is harmless).
- `dead.jsonl`: dead letters, events that can never be applied (with the error), set aside so
  they block nothing; `spool status` and the console count them.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ivr.telemetry import metrics

SPOOL_FILE = "pending.jsonl"
CLAIM_PREFIX = "pending.replaying."
DEAD_FILE = "dead.jsonl"
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


# Directory -> its mtime when it was last seen without anything to replay.
_seen_empty: dict[str, int] = {}
_SETTLED_NS = 1_000_000_000  # a file system's clock may be coarse: trust an mtime this old only


def has_pending(spool_dir: str | Path) -> bool:
    """Anything to replay: new events, or a replay that was interrupted.

    Asked after every commit, so it costs one `stat` while the spool stays empty: creating,
    renaming or removing a file in the directory changes its mtime, which forces a new look.
    """
    key = os.fspath(spool_dir)
    try:
        mtime = os.stat(key).st_mtime_ns
    except FileNotFoundError:
        return False
    if _seen_empty.get(key) == mtime:
        return False
    directory = Path(key)
    pending = (directory / SPOOL_FILE).exists() or any(directory.glob(CLAIM_PREFIX + "*"))
    if not pending and time.time_ns() - mtime > _SETTLED_NS:
        _seen_empty[key] = mtime  # a change in the same clock tick would not show in the mtime
    return pending


def append(spool_dir: str | Path, record: dict[str, Any]) -> None:
    """Append one record durably (fsync) — this runs when nothing else can keep it."""
    append_all(spool_dir, [record])


def append_all(spool_dir: str | Path, records: Iterable[dict[str, Any]]) -> None:
    kept = list(records)
    data = "".join(_line(record) for record in kept)
    if data:
        with locked(spool_dir) as directory:
            _write_durably(directory / SPOOL_FILE, data)
        for record in kept:
            metrics.SPOOLED.labels(metrics.name_label(record.get("type"))).inc()


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, default=str) + "\n"


def _write_durably(path: Path, data: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, data.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class Claim:
    """A spool file taken for replay; the `flock` on `fd` says its replayer is alive."""

    path: Path
    fd: int

    def lines(self) -> list[str]:
        return _read_lines(self.path)

    def finish(self) -> None:
        """Every event in it was applied, set aside or put back: the file goes."""
        self.path.unlink()
        _sync_directory(self.path.parent)
        self.release()

    def release(self) -> None:
        """Stop working on it (kept for the next replay)."""
        with suppress(OSError):
            os.close(self.fd)


def claim(spool_dir: str | Path) -> list[Claim]:
    """Take what is to be replayed: files of replayers that died first (older), then new events."""
    claims: list[Claim] = []
    with locked(spool_dir) as directory:
        for path in sorted(directory.glob(CLAIM_PREFIX + "*")):
            fd = os.open(path, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # a live replayer is working on it
                os.close(fd)
                continue
            claims.append(Claim(path, fd))
        pending = directory / SPOOL_FILE
        if pending.exists():
            fd = os.open(pending, os.O_RDONLY)
            fcntl.flock(fd, fcntl.LOCK_EX)  # before the rename: never seen unlocked under its name
            target = _claim_name(directory)
            os.rename(pending, target)  # appenders start a new pending.jsonl
            _sync_directory(directory)
            claims.append(Claim(target, fd))
    return claims


def _claim_name(directory: Path) -> Path:
    target = directory / f"{CLAIM_PREFIX}{os.getpid()}"
    n = 1
    while target.exists():  # another thread of this process, or a dead namesake being replayed
        n += 1
        target = directory / f"{CLAIM_PREFIX}{os.getpid()}.{n}"
    return target


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def bury(
    spool_dir: str | Path, error: str, event: dict[str, Any] | None = None, raw: str = ""
) -> None:
    """Set aside what can never be applied, once (a replay repeated after a crash adds no copy)."""
    entry = {"event": event} if event is not None else {"raw": raw}
    key = json.dumps(entry, sort_keys=True, default=str)
    with locked(spool_dir) as directory:
        path = directory / DEAD_FILE
        for known in _read_lines(path):
            with suppress(ValueError):
                old = json.loads(known)
                old.pop("error", None)
                old.pop("buried_at", None)
                if json.dumps(old, sort_keys=True, default=str) == key:
                    return
        buried_at = datetime.now(UTC).isoformat(timespec="seconds")
        _write_durably(path, _line({**entry, "error": error[:500], "buried_at": buried_at}))


@dataclass(frozen=True)
class Status:
    waiting: int  # events that wait for the database
    interrupted: int  # of those, in files of a replay that did not finish
    dead: int  # dead letters


def status(spool_dir: str | Path) -> Status:
    directory = Path(spool_dir)
    claimed = sum(len(_read_lines(path)) for path in directory.glob(CLAIM_PREFIX + "*"))
    waiting = len(_read_lines(directory / SPOOL_FILE)) + claimed
    return Status(waiting, claimed, len(_read_lines(directory / DEAD_FILE)))


def dead_letters(spool_dir: str | Path) -> list[dict[str, Any]]:
    letters = []
    for line in _read_lines(Path(spool_dir) / DEAD_FILE):
        try:
            letters.append(json.loads(line))
        except ValueError:
            letters.append({"raw": line, "error": "unreadable"})
    return letters


def dead_lines(spool_dir: str | Path) -> list[str]:
    """The dead letters as they are written, one line each."""
    return _read_lines(Path(spool_dir) / DEAD_FILE)


def prune_dead(spool_dir: str | Path, keep: Callable[[str], bool]) -> int:
    """Rewrite the dead letters with only the lines `keep` accepts; how many went.

    The new file replaces the old one whole (written, synced, renamed), under the spool's lock,
    so a crash leaves either the old letters or the new ones, never half of them.
    """
    with locked(spool_dir) as directory:
        path = directory / DEAD_FILE
        lines = _read_lines(path)
        kept = [line for line in lines if keep(line)]
        if len(kept) == len(lines):
            return 0
        fresh = directory / (DEAD_FILE + ".new")
        fresh.unlink(missing_ok=True)
        _write_durably(fresh, "".join(line + "\n" for line in kept))
        os.replace(fresh, path)
        _sync_directory(directory)
        return len(lines) - len(kept)


def _read_lines(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return [line.rstrip("\n") for line in handle if line.strip()]
    except FileNotFoundError:
        return []
