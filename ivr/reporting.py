"""The service-level report as text, CSV and JSON: for the CLI, the console's exports, tools."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

from ivr.domain.queue_figures import CallbackResult, QueueFigures, QueueOutcome
from ivr.domain.reference import group
from ivr.domain.service_level import CategoryFigures, Outcome, ServiceLevelReport

CSV_HEADER = ("period", "scope", "metric", "value")


def hours_minutes(value: timedelta | None) -> str:
    """Opening time as h:mm (seconds rounded down): 0:30, 16:00."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds()) // 60
    return f"{minutes // 60}:{minutes % 60:02d}"


def minutes_seconds(value: timedelta | None) -> str:
    """A wait as m:ss (seconds rounded down): 0:45, 15:00."""
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    return f"{seconds // 60}:{seconds % 60:02d}"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def _minutes(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 60, 2)


def category_record(c: CategoryFigures) -> dict[str, object]:
    return {
        "category": c.category,
        "incidents": c.incidents,
        "reaction_measured": c.reaction_measured,
        "reaction_met": c.reaction_met,
        "reaction_within_target_pct": _round(c.reaction_pct),
        "restore_measured": c.restore_measured,
        "restore_met": c.restore_met,
        "restore_within_target_pct": _round(c.restore_pct),
        "restore_by_appointment": c.restore_by_appointment,
        "status_reports_measured": c.status_measured,
        "status_reports_on_time": c.status_met,
        "status_reports_on_time_pct": _round(c.status_pct),
        "reaction_median_minutes": _minutes(c.reaction_median),
        "reaction_p90_minutes": _minutes(c.reaction_p90),
        "restore_median_minutes": _minutes(c.restore_median),
        "restore_p90_minutes": _minutes(c.restore_p90),
    }


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds(), 1)


def queue_record(q: QueueFigures) -> dict[str, object]:
    """The queue's figures for one language (or all): keys as in the CSV."""
    return {
        "joined": q.joined,
        **{f"ended_{o.value}": q.outcomes[o] for o in QueueOutcome},
        "abandoned_pct": _round(q.abandoned_pct),
        "waits_measured": len(q.waits),
        "wait_median_seconds": _seconds(q.wait_median),
        "wait_p90_seconds": _seconds(q.wait_p90),
        "callbacks_requested": q.callbacks_requested,
        **{f"callbacks_{r.value}": q.callbacks[r] for r in CallbackResult},
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def as_json(report: ServiceLevelReport) -> dict[str, object]:
    line = report.line
    return {
        "period": {
            "first": report.period.first.isoformat(),
            "last": report.period.last.isoformat(),
        },
        "as_of": report.as_of.isoformat(),
        "categories": [category_record(c) for c in report.categories],
        "breaches": [
            {
                "reference": b.reference,
                "category": b.category,
                "clock": b.clock,
                "took_minutes": _minutes(b.took),
                "target_minutes": _minutes(b.target),
            }
            for b in report.breaches
        ],
        "line": {
            "calls": line.calls,
            **{outcome.value: line.outcomes[outcome] for outcome in Outcome},
            "abandoned": line.abandoned,  # hung up before being served: the two above
            "calls_by_hour": line.per_hour,
            "calls_by_day": {
                day.isoformat(): {o.value: n for o, n in counts.items()}
                for day, counts in line.per_day.items()
            },
        },
        "queue": {
            **queue_record(report.queue.total),
            "languages": {q.language: queue_record(q) for q in report.queue.languages},
        },
    }


def as_csv(report: ServiceLevelReport) -> str:
    """Long format, one figure a row: `period,scope,metric,value` loads into any tool."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    label = report.period.label
    for c in report.categories:
        for metric, value in category_record(c).items():
            if metric != "category":
                writer.writerow((label, f"category {c.category}", metric, _cell(value)))
    for b in report.breaches:
        writer.writerow((label, f"category {b.category}", f"{b.clock}_breach", b.reference))
    line = report.line
    writer.writerow((label, "line", "calls", line.calls))
    for outcome in Outcome:
        writer.writerow((label, "line", outcome.value, line.outcomes[outcome]))
    writer.writerow((label, "line", "abandoned", line.abandoned))
    for scope, figures in [("queue", report.queue.total)] + [
        (f"queue {q.language}", q) for q in report.queue.languages
    ]:
        for metric, value in queue_record(figures).items():
            writer.writerow((label, scope, metric, _cell(value)))
    return out.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _english(text: str, **values: object) -> str:
    return text % values if values else text


def as_text(report: ServiceLevelReport, _: Callable[..., str] = _english) -> str:
    """A fixed-width table for the terminal; `_` translates (flask_babel.gettext, or English)."""
    head = (_("cat"), _("incidents"), _("reaction ok"), _("restore ok"), _("status rep."),
            _("react. med"), _("react. p90"), _("restore med"), _("restore p90"))  # fmt: skip
    rows = [head]
    for c in report.categories:
        appointment = _("by appointment")
        rows.append(
            (
                str(c.category),
                str(c.incidents),
                pct(c.reaction_pct),
                appointment if c.restore_by_appointment else pct(c.restore_pct),
                appointment if c.restore_by_appointment else pct(c.status_pct),
                hours_minutes(c.reaction_median),
                hours_minutes(c.reaction_p90),
                hours_minutes(c.restore_median),
                hours_minutes(c.restore_p90),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    when = f"{report.as_of:%Y-%m-%d %H:%M %Z}"
    lines = [_("Service level %(period)s (as of %(when)s)", period=report.period.label, when=when)]
    lines += [""]
    lines += ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines += ["", _("Breaches:")]
    clocks = {"reaction": _("reaction"), "restore": _("restore")}
    cat = _("cat.")
    lines += [
        f"  {group(b.reference)}  {cat} {b.category}  "
        f"{clocks[b.clock]:<8}  "
        + _(
            "took %(took)s (target < %(target)s)",
            took=hours_minutes(b.took) if b.took else _("not done"),
            target=hours_minutes(b.target),
        )
        for b in report.breaches
    ] or ["  " + _("none")]
    line = report.line
    labels = [
        (_("answered by an agent"), line.outcomes[Outcome.AGENT]),
        (_("report taken in hours"), line.outcomes[Outcome.REPORT_IN_HOURS]),
        (_("report taken out of hours"), line.outcomes[Outcome.REPORT_OUT_OF_HOURS]),
        (_("callback requested"), line.outcomes[Outcome.CALLBACK]),
        (_("forwarded (fallback)"), line.outcomes[Outcome.FORWARDED]),
        (_("joined a disruption"), line.outcomes[Outcome.DISRUPTION]),
        (_("status asked"), line.outcomes[Outcome.STATUS]),
        (_("agent logged in/out"), line.outcomes[Outcome.AGENT_PHONE]),
        (_("abandoned in a menu"), line.outcomes[Outcome.ABANDONED_MENU]),
        (_("abandoned while waiting"), line.outcomes[Outcome.ABANDONED_WAITING]),
        (_("abandoned"), line.abandoned),
    ]
    width = max(len(label) for label, _n in labels)
    lines += ["", _("Calls: %(count)s", count=line.calls)]
    lines += [f"  {label:<{width}} {count}" for label, count in labels]
    lines += ["", *_queue_text(report, _)]
    return "\n".join(lines) + "\n"


def _queue_text(report: ServiceLevelReport, _: Callable[..., str]) -> list[str]:
    """Callers who joined the queue: how their wait ended, how long it took, callbacks."""
    head = (_("queue"), _("joined"), _("agent"), _("callback"), _("report"), _("taken out"),
            _("abandoned"), _("waiting"), _("wait med."), _("wait p90"))  # fmt: skip
    rows = [head]
    for q in [report.queue.total, *report.queue.languages]:
        rows.append(
            (
                q.language or _("all"),
                str(q.joined),
                *(str(q.outcomes[o]) for o in QueueOutcome),
                minutes_seconds(q.wait_median),
                minutes_seconds(q.wait_p90),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    total = report.queue.total
    return [
        _("Queue (waits in min:s, until an agent took the call or the caller left the queue):"),
        *("  " + "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows),
        "  "
        + _(
            "callbacks requested %(requested)s: reached %(reached)s, left as a report "
            "%(report)s, pending %(pending)s",
            requested=total.callbacks_requested,
            reached=total.callbacks[CallbackResult.REACHED],
            report=total.callbacks[CallbackResult.REPORT],
            pending=total.callbacks[CallbackResult.PENDING],
        ),
    ]
