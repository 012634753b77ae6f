"""Incident triage: how many users × how bad → category 1–4, exactly the seed's matrix."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Impact(StrEnum):
    ALL_USERS = "all_users"
    SOME_USERS = "some_users"
    ONE_USER = "one_user"


class Severity(StrEnum):
    CANNOT_WORK = "cannot_work"  # "kan/kunnen niet meer bellen"
    FUNCTIONS_FAIL = "functions_fail"  # "kan/kunnen bepaalde functies niet uitvoeren"
    CUMBERSOME = "cumbersome"  # "kan/kunnen op omslachtige wijze nog werken"


class Category(IntEnum):
    ONE = 1
    TWO = 2
    THREE = 3
    FOUR = 4


_MATRIX: dict[Impact, tuple[Category, Category, Category]] = {
    Impact.ALL_USERS: (Category.ONE, Category.TWO, Category.THREE),
    Impact.SOME_USERS: (Category.TWO, Category.THREE, Category.THREE),
    Impact.ONE_USER: (Category.THREE, Category.THREE, Category.FOUR),
}
_COLUMNS = (Severity.CANNOT_WORK, Severity.FUNCTIONS_FAIL, Severity.CUMBERSOME)


def categorise(impact: Impact, severity: Severity) -> Category:
    return _MATRIX[Impact(impact)][_COLUMNS.index(Severity(severity))]
