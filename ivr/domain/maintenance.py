"""Planned maintenance rules from the seed: outside opening hours, ≤ 24 per calendar year, 3 days'
notice, only after consultation with the customer or its ICT partner, preferably at the weekend."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol, TypeVar

from ivr.domain.calendar import BusinessCalendar

MAX_PER_YEAR = 24  # per calendar year (1 January to 31 December), counted by the start
# Who was consulted before a window is planned (seed: "in overleg met de klant of diens
# ICT-partner").
CONSULTED_PARTIES = ("customer", "ict_partner")
NOTICE = timedelta(days=3)
ANNOUNCE_AHEAD = timedelta(days=3)


@dataclass(frozen=True)
class RuleViolation:
    code: str
    message: str  # in English, names and numbers filled in
    template: str = ""  # the message before they were (the console translates it)
    params: Mapping[str, object] = field(default_factory=dict)


def _violation(code: str, template: str, **params: object) -> RuleViolation:
    """Times are kept as times (the console shows them in the user's language); the English
    message shows them on the desk's wall clock."""
    english = {
        k: f"{v:%a %d %b %Y %H:%M}" if isinstance(v, datetime) else v for k, v in params.items()
    }
    return RuleViolation(code, template % english, template, params)


class MaintenanceRuleError(ValueError):
    def __init__(self, violations: Sequence[RuleViolation]) -> None:
        super().__init__("; ".join(v.message for v in violations))
        self.violations = tuple(violations)


def check_window(
    calendar: BusinessCalendar,
    start: datetime,
    end: datetime,
    announced_at: datetime,
    existing_starts: Iterable[datetime],
    *,
    most: int = MAX_PER_YEAR,
    notice: timedelta = NOTICE,
) -> list[RuleViolation]:
    """Every rule the window breaks; `existing_starts` excludes the window being edited."""
    if end <= start:
        return [RuleViolation("ends_before_start", "The window must end after it starts.")]
    violations = []
    opens = calendar.next_opening(start)  # the first opening in the window, found without
    if opens is not None and opens < end:  # walking a (hostile) window of years day by day
        violations.append(
            _violation(
                "during_opening_hours",
                "Planned maintenance must lie entirely outside opening hours (the desk is "
                "open during this window from %(opens)s).",
                opens=opens.astimezone(calendar.tz),
            )
        )
    year = start.astimezone(calendar.tz).year
    same_year = sum(1 for s in existing_starts if s.astimezone(calendar.tz).year == year)
    if same_year >= most:
        violations.append(
            _violation(
                "too_many_in_year",
                "At most %(most)d maintenance windows per calendar year; %(year)d has %(count)d "
                "already.",
                most=most,
                year=year,
                count=same_year,
            )
        )
    if start - announced_at < notice:
        violations.append(
            _violation(
                "too_short_notice",
                "Planned maintenance must be announced at least %(days)d days ahead (announced "
                "now, it can start at %(earliest)s at the earliest).",
                days=notice.days,  # the desk's agreement (DESKS_FILE maintenance_notice_days)
                earliest=(announced_at + notice).astimezone(calendar.tz),
            )
        )
    return violations


def weekdays_in(calendar: BusinessCalendar, start: datetime, end: datetime) -> list[date]:
    """The weekdays (Monday to Friday) the window touches in the desk's time zone: allowed, but
    the agreement prefers the weekend. A window of a week or more touches all five (not walked)."""
    if end <= start:
        return []
    first = start.astimezone(calendar.tz).date()
    last = (end - timedelta(microseconds=1)).astimezone(calendar.tz).date()
    span = min((last - first).days, 7)
    days = (first + timedelta(days=i) for i in range(span + 1))
    return [d for d in days if d.weekday() < 5]


def ensure_window_allowed(
    calendar: BusinessCalendar,
    start: datetime,
    end: datetime,
    announced_at: datetime,
    existing_starts: Iterable[datetime],
) -> None:
    violations = check_window(calendar, start, end, announced_at, existing_starts)
    if violations:
        raise MaintenanceRuleError(violations)


class Window(Protocol):
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...


W = TypeVar("W", bound=Window)


def announcements_due(
    windows: Iterable[W], now: datetime, horizon: timedelta = ANNOUNCE_AHEAD
) -> list[W]:
    """Windows running now or starting within `horizon`: callers hear about these."""
    return sorted(
        (w for w in windows if w.ends_at > now and w.starts_at <= now + horizon),
        key=lambda w: w.starts_at,
    )


# Descriptions that only repeat what the announcement already says ("planned maintenance").
SAYS_ONLY_MAINTENANCE = frozenset(
    {
        *("onderhoud", "gepland onderhoud", "wartung", "geplante wartung", "wartungsarbeiten"),
        *("maintenance", "planned maintenance"),
    }
)


def says_more_than_maintenance(description: str) -> bool:
    """Whether a window's description adds anything to "planned maintenance starts ...":
    "Onderhoud" does not ("Let op: gepland onderhoud. Onderhoud." repeated itself)."""
    words = " ".join(description.lower().replace(".", " ").split())
    return bool(words) and words not in SAYS_ONLY_MAINTENANCE
