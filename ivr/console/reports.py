"""The service-level report page with its charts, and its CSV/JSON exports with the incidents."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from babel.dates import format_date
from flask import Response, render_template, request
from flask_babel import gettext, lazy_gettext

from ivr import reporting
from ivr.console import charts
from ivr.console.blueprint import bp
from ivr.console.charts import CATEGORY_COLOURS, OUTCOME_COLOURS, Series
from ivr.console.helpers import access, chosen, desk, desks, my_desks, needs, now, scope
from ivr.console.i18n import day_names, language
from ivr.console.outcomes import OUTCOME_NAMES
from ivr.db import get_session
from ivr.domain.hours import describe_compact
from ivr.domain.queue_figures import CallbackResult, QueueOutcome
from ivr.domain.service_level import Outcome, Period, ServiceLevelReport
from ivr.models import Incident
from ivr.services import reports
from ivr.services.records import as_record
from ivr.services.roles import LEAD

LANGUAGE_NAMES = {"nl": lazy_gettext("Dutch"), "de": lazy_gettext("German")}


def _period() -> Period:
    """From `?month=2026-11` or `?from=2026-11-01&to=2026-11-15`; else the last full month."""
    args = request.args
    try:
        if args.get("from") and args.get("to"):
            first, last = date.fromisoformat(args["from"]), date.fromisoformat(args["to"])
            if first <= last and (last - first).days <= 366:
                return Period(first, last)
        elif args.get("month"):
            return Period.parse_month(args["month"])
    except ValueError:
        pass
    return Period.month_before(now().astimezone(desk().tz).date())


def _report(period: Period) -> ServiceLevelReport:
    """The report of the desk chosen, or over all the desks the user leads (an admin: all)."""
    return reports.service_level(get_session(), desk(), period, now(), scope(LEAD))


def _which() -> str | None:
    """Whose report: the desk's name, or all of them; None where the line has one desk."""
    if len(desks()) == 1:
        return None
    if chosen() or len(my_desks(LEAD)) == 1:
        return desk().name
    return gettext("All desks") if access().admin else gettext("All my desks")


@bp.get("/report")
@needs(LEAD)
def report_page() -> str:
    period = _period()
    session = get_session()
    report = _report(period)
    calendar = reports.period_calendar(session, desk(), period)
    closed = {
        day
        for day in period.days()
        if calendar.closed_day(day) or not calendar.hours.intervals_on(day.weekday())
    }
    outcomes = [Series(o, str(OUTCOME_NAMES[o]), OUTCOME_COLOURS[o]) for o in Outcome]
    categories = [
        Series(c, gettext("category %(number)s", number=c), CATEGORY_COLOURS[c])
        for c in CATEGORY_COLOURS
    ]
    trend = reports.sla_trend(session, desk(), period, now(), desks=scope(LEAD))
    return render_template(
        "console/report.html",
        report=report,
        report_of=_which(),
        period=period,
        outcome_names=OUTCOME_NAMES,
        hours=describe_compact(desk().hours, day_names()),
        fmt_duration=reporting.hours_minutes,
        fmt_pct=reporting.pct,
        fmt_wait=reporting.minutes_seconds,
        queue_outcomes=list(QueueOutcome),
        callback_results=CallbackResult,
        language_names=LANGUAGE_NAMES,
        chart_days=charts.calls_per_day(
            report.line.per_day, closed, outcomes, gettext("Calls per day by outcome")
        ),
        chart_hours=charts.calls_by_hour(
            report.line.per_hour,
            charts.open_within_hours(desk().hours),
            gettext("Calls by hour of day against the opening hours"),
        ),
        chart_sla=charts.sla_per_month(
            [
                (format_date(m.period.first, "MMM yyyy", locale=language()), m.reaction_pct)
                for m in trend
            ],
            categories,
            gettext("Reaction within target per category, by month"),
        ),
    )


def _named(period: Period) -> str:
    """`2026-11`, or `ozmo-2026-11` for one desk of several (`all-2026-11`: over several)."""
    if len(desks()) == 1:
        return period.label
    which = desk().key if chosen() or len(my_desks(LEAD)) == 1 else "all"
    return f"{which}-{period.label}"


def _download(body: str, mimetype: str, name: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/report.csv")
@needs(LEAD)
def report_csv() -> Response:
    report = _report(_period())
    return _download(reporting.as_csv(report), "text/csv", f"sla-{_named(report.period)}.csv")


@bp.get("/report.json")
@needs(LEAD)
def report_json() -> Response:
    report = _report(_period())
    body = json.dumps(reporting.as_json(report), ensure_ascii=False, indent=2)
    return _download(body, "application/json", f"sla-{_named(report.period)}.json")


def _incidents(period: Period) -> list[Incident]:
    return reports.incidents_in(get_session(), desk(), period, scope(LEAD))


@bp.get("/incidents.json")
@needs(LEAD)
def incidents_json() -> Response:
    period = _period()
    rows = [
        as_record(i, desk().tz)
        for i in reports.incidents_in(get_session(), desk(), period, scope(LEAD))
    ]
    body = json.dumps(rows, ensure_ascii=False, indent=2)
    return _download(body, "application/json", f"incidents-{_named(period)}.json")


@bp.get("/incidents.csv")
@needs(LEAD)
def incidents_csv() -> Response:
    period = _period()
    rows = [
        as_record(i, desk().tz)
        for i in reports.incidents_in(get_session(), desk(), period, scope(LEAD))
    ]
    out = io.StringIO()
    # The columns of an incident record, also when the period has none.
    writer = csv.DictWriter(out, fieldnames=list(as_record(Incident(reference=""))))
    writer.writeheader()
    writer.writerows(rows)
    return _download(out.getvalue(), "text/csv", f"incidents-{_named(period)}.csv")
