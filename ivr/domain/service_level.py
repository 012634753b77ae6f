"""The service-level report: per category and for the line, from the facts of a period.

Met or breached by the work list's own rule (`ivr.domain.sla.sla_state`, strict as the agreement
writes it: "< 30 min", a reaction at exactly the target is late). Times count in opening time
from the SLA clock's start, as the clocks do.

The queue's part is `ivr.domain.queue_figures`; medians and percentiles `ivr.domain.figures`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ivr.domain.calendar import BusinessCalendar
from ivr.domain.call_outcome import ABANDONED, Outcome
from ivr.domain.figures import median, p90, percent
from ivr.domain.queue_figures import QueueFacts, QueueFigures, QueueReport, queue_figures
from ivr.domain.sla import SlaState, Targets, sla_state, status_report_due, targets_for
from ivr.domain.triage import Category


@dataclass(frozen=True)
class Period:
    """Local dates `first` to `last` inclusive, in the desk's zone."""

    first: date
    last: date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(date(year, month, 1), following - timedelta(days=1))

    @classmethod
    def parse_month(cls, text: str) -> Period:
        """`2026-11`."""
        try:
            year, month = (int(part) for part in text.split("-"))
            return cls.month(year, month)
        except ValueError:
            raise ValueError(f"{text!r} is not a month like 2026-11") from None

    @classmethod
    def month_before(cls, day: date) -> Period:
        """The last complete month before `day`: what the customer asks about."""
        last = day.replace(day=1) - timedelta(days=1)
        return cls.month(last.year, last.month)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def bounds(self, calendar: BusinessCalendar) -> tuple[datetime, datetime]:
        """[start, end) as aware instants: local midnights, whatever the offset that day."""
        tz = calendar.tz
        return (
            datetime.combine(self.first, time(), tz),
            datetime.combine(self.last + timedelta(days=1), time(), tz),
        )

    @property
    def label(self) -> str:
        if self == Period.month(self.first.year, self.first.month):
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m-%d}..{self.last:%Y-%m-%d}"


@dataclass(frozen=True)
class IncidentFacts:
    reference: str
    category: int | None
    received_at: datetime
    taken_out_of_hours: bool
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    status_updates: tuple[datetime, ...] = ()  # status reports written to the caller


@dataclass(frozen=True)
class CallFacts:
    started_at: datetime
    outcome: Outcome


@dataclass(frozen=True)
class Breach:
    reference: str
    category: int
    clock: str  # reaction | restore
    took: timedelta | None  # opening time it took; None: not done yet
    target: timedelta


@dataclass
class CategoryFigures:
    category: int
    incidents: int = 0
    reaction_met: int = 0
    reaction_measured: int = 0  # done, or past the target without being done
    restore_met: int = 0
    restore_measured: int = 0
    reaction_times: list[timedelta] = field(default_factory=list)
    restore_times: list[timedelta] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)
    restore_by_appointment: bool = False
    status_met: int = 0
    status_measured: int = 0  # reports owed whose time came: written in time, late, or missing

    @property
    def reaction_pct(self) -> float | None:
        return percent(self.reaction_met, self.reaction_measured)

    @property
    def restore_pct(self) -> float | None:
        return percent(self.restore_met, self.restore_measured)

    @property
    def status_pct(self) -> float | None:
        return percent(self.status_met, self.status_measured)

    @property
    def reaction_median(self) -> timedelta | None:
        return median(self.reaction_times)

    @property
    def reaction_p90(self) -> timedelta | None:
        return p90(self.reaction_times)

    @property
    def restore_median(self) -> timedelta | None:
        return median(self.restore_times)

    @property
    def restore_p90(self) -> timedelta | None:
        return p90(self.restore_times)


@dataclass(frozen=True)
class LineFigures:
    calls: int
    outcomes: dict[Outcome, int]
    per_day: dict[date, dict[Outcome, int]]
    per_hour: list[int]  # calls by local hour of day, 0..23

    @property
    def abandoned(self) -> int:
        """Calls whose caller hung up before being served (in a menu or while waiting)."""
        return sum(self.outcomes[o] for o in ABANDONED)


@dataclass
class AsOfWindow:
    """The instants `as_of` was weighed against while a report was built: the same figures hold
    for every `as_of` in [after, before) (a cached report is reused only there, issue 30).

    The figures depend on `as_of` only through "is it past this due time yet?"; `after` is the
    latest due time already past, `before` the earliest still to come (None: none)."""

    after: datetime | None = None
    before: datetime | None = None

    def past(self, as_of: datetime, due: datetime) -> bool:
        """`as_of >= due`, remembered."""
        if as_of >= due:
            if self.after is None or due > self.after:
                self.after = due
            return True
        if self.before is None or due < self.before:
            self.before = due
        return False

    def holds(self, as_of: datetime) -> bool:
        return (self.after is None or as_of >= self.after) and (
            self.before is None or as_of < self.before
        )


@dataclass(frozen=True)
class ServiceLevelReport:
    period: Period
    as_of: datetime
    categories: list[CategoryFigures]
    line: LineFigures
    queue: QueueReport = field(default_factory=lambda: QueueReport(QueueFigures(None), []))

    @property
    def breaches(self) -> list[Breach]:
        return [b for figures in self.categories for b in figures.breaches]


def build_report(
    calendar: BusinessCalendar,
    period: Period,
    incidents: Iterable[IncidentFacts],
    calls: Iterable[CallFacts],
    as_of: datetime,
    *,
    queue: Iterable[QueueFacts] = (),
    status_reports: bool = True,
    targets: Mapping[Category, Targets] | None = None,
    window: AsOfWindow | None = None,
) -> ServiceLevelReport:
    """Figures for incidents received, calls started and callers queued in `period`, as known
    at `as_of`, against `targets` (a desk's agreement; None: the seed's); without
    `status_reports`, the status report figures are left at zero (the SLA trend shows only
    reaction and restore). `window`, if given, learns for which `as_of` the figures hold."""
    start, end = period.bounds(calendar)
    window = window if window is not None else AsOfWindow()
    figures = {int(c): CategoryFigures(int(c)) for c in Category}
    for incident in incidents:
        if incident.category in figures and start <= incident.received_at < end:
            _count_incident(
                calendar,
                figures[incident.category],
                incident,
                as_of,
                status_reports=status_reports,
                agreed=targets,
                window=window,
            )
    return ServiceLevelReport(
        period=period,
        as_of=as_of,
        categories=list(figures.values()),
        line=_line(calendar, period, [c for c in calls if start <= c.started_at < end]),
        queue=queue_figures(q for q in queue if start <= q.joined_at < end),
    )


def _count_incident(
    calendar: BusinessCalendar,
    figures: CategoryFigures,
    incident: IncidentFacts,
    as_of: datetime,
    *,
    status_reports: bool = True,
    agreed: Mapping[Category, Targets] | None = None,
    window: AsOfWindow,
) -> None:
    targets = targets_for(Category(figures.category), agreed)
    clock_start = calendar.next_opening(incident.received_at)
    figures.incidents += 1
    if targets.restore is None:
        figures.restore_by_appointment = True
    if clock_start is None:
        return  # closed until further notice: no clock has started, nothing to measure
    if status_reports:
        _count_status_reports(calendar, figures, incident, as_of, agreed, window=window)
    clocks = [("reaction", targets.reaction, incident.acknowledged_at)]
    if targets.restore is not None:
        clocks.append(("restore", targets.restore, incident.resolved_at))
    for clock, target, done_at in clocks:
        due = calendar.add_opening_time(clock_start, target)
        if due is None:
            continue  # the desk closes until further notice before the target: not measured
        # One rule for the work list and the report (strict: done at the due instant is late).
        if done_at is None and not window.past(as_of, due):
            continue  # still running and within target: not measured yet
        state = sla_state(calendar, clock_start, due, as_of, done_at=done_at)
        met = state is SlaState.MET
        took = calendar.opening_time_between(clock_start, done_at or as_of)
        if clock == "reaction":
            figures.reaction_measured += 1
            figures.reaction_met += met
            if done_at is not None:
                figures.reaction_times.append(took)
        else:
            figures.restore_measured += 1
            figures.restore_met += met
            if done_at is not None:
                figures.restore_times.append(took)
        if not met:
            figures.breaches.append(
                Breach(
                    incident.reference,
                    figures.category,
                    clock,
                    took if done_at else None,
                    target,
                )
            )


def _count_status_reports(
    calendar: BusinessCalendar,
    figures: CategoryFigures,
    incident: IncidentFacts,
    as_of: datetime,
    agreed: Mapping[Category, Targets] | None = None,
    *,
    window: AsOfWindow,
) -> None:
    """Each report owed (every N hours of opening time from the clock start or the last report)
    is on time when written before it is due; one written late restarts the interval."""
    category = Category(figures.category)
    if targets_for(category, agreed).status_report_every is None:
        return  # by appointment: the agreed time is the report
    written = sorted(incident.status_updates)
    since, n = incident.received_at, 0
    while True:
        due = status_report_due(calendar, category, since, agreed=agreed)
        if due is None:
            return
        update = written[n] if n < len(written) else None
        if update is not None and update < due:
            figures.status_met += 1
            figures.status_measured += 1
            since, n = update, n + 1
            continue
        if incident.resolved_at is not None and incident.resolved_at < due:
            return  # restored before the report was owed
        if not window.past(as_of, due):
            return  # not owed yet
        figures.status_measured += 1  # late or missing
        if update is None:
            return
        since, n = update, n + 1


def _line(calendar: BusinessCalendar, period: Period, calls: list[CallFacts]) -> LineFigures:
    per_day = {day: dict.fromkeys(Outcome, 0) for day in period.days()}
    per_hour = [0] * 24
    outcomes: Counter[Outcome] = Counter()
    for call in calls:
        local = call.started_at.astimezone(calendar.tz)
        per_day[local.date()][call.outcome] += 1
        per_hour[local.hour] += 1
        outcomes[call.outcome] += 1
    return LineFigures(
        calls=len(calls),
        outcomes={o: outcomes[o] for o in Outcome},
        per_day=per_day,
        per_hour=per_hour,
    )
