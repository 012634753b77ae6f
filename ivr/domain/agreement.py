"""A desk's agreement (issue 26): its category matrix, targets per category, standard-change
working days and the maintenance rules. The default is the seed's agreement, as before."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from ivr.domain import changes, maintenance
from ivr.domain.sla import TARGETS, Targets
from ivr.domain.triage import _COLUMNS, _MATRIX, Category, Impact, Severity

IMPACTS = tuple(Impact)
SEVERITIES = _COLUMNS


@dataclass(frozen=True)
class Agreement:
    matrix: Mapping[Impact, tuple[Category, Category, Category]] = field(
        default_factory=lambda: dict(_MATRIX)
    )
    targets: Mapping[Category, Targets] = field(default_factory=lambda: dict(TARGETS))
    standard_change_days: int = changes.WORKING_DAYS
    maintenance_per_year: int = maintenance.MAX_PER_YEAR
    maintenance_notice: timedelta = maintenance.NOTICE

    def categorise(self, impact: Impact, severity: Severity) -> Category:
        return self.matrix[Impact(impact)][SEVERITIES.index(Severity(severity))]

    def targets_for(self, category: Category) -> Targets:
        return self.targets[Category(category)]


SEED = Agreement()


def parse_matrix(value: object) -> dict[Impact, tuple[Category, Category, Category]]:
    """`{all_users = [1, 2, 3], some_users = [2, 3, 3], one_user = [3, 3, 4]}`: per impact, the
    category for cannot_work, functions_fail and cumbersome."""
    if not isinstance(value, Mapping):
        raise ValueError("a table of impact = [three categories]")
    unknown = set(value) - {i.value for i in IMPACTS}
    if unknown:
        first = sorted(unknown)[0]
        raise ValueError(f"unknown impact {first!r} (one of all_users, some_users, one_user)")
    matrix = dict(_MATRIX)
    for impact, row in value.items():
        if not isinstance(row, list) or len(row) != 3:
            raise ValueError(
                f"{impact}: three categories (cannot_work, functions_fail, cumbersome)"
            )
        try:
            cats = tuple(Category(int(c)) for c in row)
        except (TypeError, ValueError):
            raise ValueError(f"{impact}: categories are 1 to 4") from None
        matrix[Impact(impact)] = cats  # type: ignore[assignment]
    return matrix


def parse_targets(value: object) -> dict[Category, Targets]:
    """`{1 = {reaction = 30, restore = 240, status_report = 120}, ...}`: minutes of opening
    time; restore/status_report 0 = by appointment (no target). Categories not named keep the
    seed's targets."""
    if not isinstance(value, Mapping):
        raise ValueError("a table of category = {reaction, restore, status_report} (minutes)")
    targets = dict(TARGETS)
    for key, row in value.items():
        try:
            category = Category(int(key))
        except ValueError:
            raise ValueError(f"unknown category {key!r} (1 to 4)") from None
        if not isinstance(row, Mapping):
            raise ValueError(f"category {key}: a table of minutes")
        unknown = set(row) - {"reaction", "restore", "status_report"}
        if unknown:
            raise ValueError(f"category {key}: unknown target {sorted(unknown)[0]!r}")
        seed = TARGETS[category]
        reaction = _minutes(row.get("reaction"), seed.reaction, f"category {key} reaction")
        if reaction is None:
            raise ValueError(f"category {key}: a reaction target is needed")
        targets[category] = Targets(
            reaction,
            _minutes(row.get("restore"), seed.restore, f"category {key} restore"),
            _minutes(
                row.get("status_report"),
                seed.status_report_every,
                f"category {key} status_report",
            ),
        )
    return targets


def _minutes(value: object, default: timedelta | None, what: str) -> timedelta | None:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what}: whole minutes, 0 or more")
    return timedelta(minutes=value) if value else None
