"""Median, 90th percentile and percentage, as every figure of the reports counts them.

Median: the middle value (the mean of the two middle values for an even count); 90th
percentile: nearest rank, the smallest value with at least 90 % of the values at or below it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import timedelta


def percent(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def median(values: Sequence[timedelta]) -> timedelta | None:
    if not values:
        return None
    seconds = statistics.median(v.total_seconds() for v in values)
    return timedelta(seconds=seconds)


def p90(values: Sequence[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]
