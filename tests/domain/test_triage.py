"""Impact × severity → category, exactly the seed's matrix, and the targets per category."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ivr.domain.sla import targets_for
from ivr.domain.triage import Category, Impact, Severity, categorise

ALL, SOME, ONE = Impact.ALL_USERS, Impact.SOME_USERS, Impact.ONE_USER
CANNOT, FUNCTIONS, CUMBERSOME = Severity.CANNOT_WORK, Severity.FUNCTIONS_FAIL, Severity.CUMBERSOME


@pytest.mark.parametrize(
    ("impact", "severity", "category"),
    [
        (ALL, CANNOT, 1), (ALL, FUNCTIONS, 2), (ALL, CUMBERSOME, 3),
        (SOME, CANNOT, 2), (SOME, FUNCTIONS, 3), (SOME, CUMBERSOME, 3),
        (ONE, CANNOT, 3), (ONE, FUNCTIONS, 3), (ONE, CUMBERSOME, 4),
    ],
)  # fmt: skip
def test_the_matrix(impact: Impact, severity: Severity, category: int) -> None:
    assert categorise(impact, severity) == category


def test_answers_stored_as_text_classify_too() -> None:
    assert categorise("some_users", "cannot_work") == Category.TWO  # type: ignore[arg-type]


H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("category", "reaction", "restore", "report"),
    [
        (1, 0.5 * H, 4 * H, 2 * H),
        (2, 1 * H, 8 * H, 4 * H),
        (3, 2 * H, 16 * H, 6 * H),
        (4, 4 * H, None, None),  # restore and reports "op afspraak": by appointment
    ],
)
def test_targets_per_category(category: int, reaction, restore, report) -> None:
    targets = targets_for(Category(category))
    assert (targets.reaction, targets.restore, targets.status_report_every) == (
        reaction,
        restore,
        report,
    )
