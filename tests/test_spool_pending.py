"""Whether the spool has anything to replay: asked after every commit, so it is cached, safely."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ivr import spool

EVENT = {"type": "call_ended", "call_sid": "CA1", "at": "2026-11-28T22:00:00+00:00"}


def _age(directory: Path, seconds: float) -> int:
    past = time.time_ns() - int(seconds * 1e9)
    os.utime(directory, ns=(past, past))
    return past


def test_a_missing_spool_has_nothing_pending(tmp_path: Path) -> None:
    assert not spool.has_pending(tmp_path / "never-made")


def test_an_event_spooled_after_the_spool_was_seen_empty_is_found(tmp_path: Path) -> None:
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    _age(spool_dir, 60)
    assert not spool.has_pending(spool_dir)  # seen empty, and remembered as such
    assert not spool.has_pending(spool_dir)
    spool.append(spool_dir, EVENT)  # another worker, say
    assert spool.has_pending(spool_dir)


def test_an_interrupted_replay_is_found_after_the_spool_was_seen_empty(tmp_path: Path) -> None:
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    _age(spool_dir, 60)
    assert not spool.has_pending(spool_dir)
    (spool_dir / f"{spool.CLAIM_PREFIX}4242").write_text("{}\n")
    assert spool.has_pending(spool_dir)


def test_a_change_within_the_same_clock_tick_is_not_missed(tmp_path: Path) -> None:
    """A coarse file-system clock can give a new file's directory the mtime it already had."""
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    tick = _age(spool_dir, 0.2)  # changed just now: not yet trusted as empty
    assert not spool.has_pending(spool_dir)
    spool.append(spool_dir, EVENT)
    os.utime(spool_dir, ns=(tick, tick))  # the same mtime as when it was seen empty
    assert spool.has_pending(spool_dir)
