"""Closures and planned maintenance: created, moved and removed by the seed's rules."""

from __future__ import annotations

from babel.dates import format_date
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ivr.console.blueprint import bp
from ivr.console.helpers import calendar as desk_calendar
from ivr.console.helpers import desk, needs, now, parse_local, reach, require, scope
from ivr.console.i18n import day_names
from ivr.console.messages import explained, violation
from ivr.db import get_session
from ivr.domain.hours import describe_compact
from ivr.domain.maintenance import (
    MaintenanceRuleError,
    announcements_due,
    weekdays_in,
)
from ivr.domain.moments import DateInputError, parse_day
from ivr.models import Closure, MaintenanceWindow
from ivr.services import closures, scoped
from ivr.services.closures import ClosureError, ClosureInput, LongClosure, WindowInput
from ivr.services.roles import LEAD

DAY_PATTERN = {"de": "EEEE, d. MMMM"}  # "Dienstag, 8. Dezember"; "dinsdag 8 december"


def _may_save(model: type[Closure] | type[MaintenanceWindow], row_id: int | None) -> None:
    """A closure or window of a desk of the user's (else 404) where they are a lead (else 403);
    a new one is made in the desk worked in, which they must lead (else 403)."""
    if row_id is None:
        require(desk().key, LEAD)
        return
    row = scoped.row(get_session(), model, row_id, reach()) or abort(404)
    require(row.desk, LEAD)


@bp.get("/calendar")
@needs(LEAD)
def calendar_page(
    errors: list[str] | None = None, status: int = 200, confirm_long: bool = False
) -> tuple[str, int]:
    session = get_session()
    t = now()
    cal = desk_calendar()
    windows = closures.windows(session, scope(LEAD))
    year = t.astimezone(desk().tz).year
    this_year = sum(  # the yearly limit counts per desk: the one worked in
        1
        for w in windows
        if w.desk == desk().key and w.starts_at.astimezone(desk().tz).year == year
    )
    upcoming = [h for h in desk().holidays.holidays_in(t.year) if h.date >= t.date()]
    upcoming += desk().holidays.holidays_in(t.year + 1)[:3]
    page = render_template(
        "console/calendar.html",
        closures=closures.closures(session, scope(LEAD)),
        windows=windows,
        announced={w.id for w in announcements_due(windows, t)},
        year=year,
        this_year=this_year,
        # The desk worked in: its agreement's yearly limit and notice (DESKS_FILE).
        most=desk().agreement.maintenance_per_year,
        notice_days=desk().agreement.maintenance_notice.days,
        today=t.astimezone(desk().tz).date(),
        holidays=upcoming,
        hours=describe_compact(desk().hours, day_names()).replace("-", "–"),
        next_opening=cal.next_opening(t),
        errors=errors or [],
        confirm_long=confirm_long,
        form=request.form,
    )
    return page, status


@bp.post("/closures")
@bp.post("/closures/<int:closure_id>")
def save_closure(closure_id: int | None = None) -> Response | tuple[str, int]:
    # Changing a closure that is not there (for this user) never makes a new one.
    _may_save(Closure, closure_id)
    form = request.form
    try:
        given = ClosureInput(
            parse_day(form.get("start", ""), "From"),
            parse_day(form.get("end") or form.get("start", ""), "To"),
            form.get("reason_nl", ""),
            form.get("reason_de", ""),
        )
        closures.save_closure(
            get_session(),
            given,
            closure_id,
            warn_days=current_app.config["CLOSURE_WARN_DAYS"],
            confirmed=form.get("confirm_long") == "1",
            today=now().astimezone(desk().tz).date(),
            desk=desk().key,
        )
        desk().closures.clear()
    except DateInputError as exc:
        return calendar_page([explained(exc)], 400)
    except LongClosure as exc:
        return calendar_page([explained(exc)], 422, confirm_long=True)
    except (ValueError, ClosureError) as exc:
        return calendar_page([_plain(exc)], 422)
    flash(_("Closure saved."), "info")
    return redirect(url_for("console.calendar_page"))


@bp.post("/maintenance")
@bp.post("/maintenance/<int:window_id>")
def save_window(window_id: int | None = None) -> Response | tuple[str, int]:
    _may_save(MaintenanceWindow, window_id)
    form = request.form
    try:
        consulted_on = form.get("consulted_on", "")
        given = WindowInput(
            parse_local(form.get("start", ""), "Starts"),
            parse_local(form.get("end", ""), "Ends"),
            form.get("description_nl", ""),
            form.get("description_de", ""),
            form.get("consulted_party", ""),
            form.get("consulted_name", ""),
            parse_day(consulted_on, "Consulted on") if consulted_on.strip() else None,
        )
        window = closures.save_window(get_session(), desk(), now(), given, window_id)
    except DateInputError as exc:
        return calendar_page([explained(exc)], 400)
    except MaintenanceRuleError as exc:
        return calendar_page([violation(v) for v in exc.violations], 422)
    except (ValueError, ClosureError) as exc:
        return calendar_page([_plain(exc)], 422)
    flash(_("Maintenance window saved; callers hear about it from three days ahead."), "info")
    weekdays = weekdays_in(desk_calendar(), window.starts_at, window.ends_at)
    if weekdays:  # allowed, but the agreement prefers the weekend: say so, do not refuse
        locale = get_locale()
        pattern = DAY_PATTERN.get(getattr(locale, "language", ""), "EEEE d MMMM")
        days = ", ".join(format_date(d, pattern, locale=locale) for d in weekdays)
        flash(
            _(
                "Saved, but this window falls on a weekday (%(days)s): the agreement prefers "
                "maintenance at the weekend.",
                days=days,
            ),
            "warning",
        )
    return redirect(url_for("console.calendar_page"))


@bp.post("/closures/<int:row_id>/delete")
def delete_closure(row_id: int) -> Response:
    _may_save(Closure, row_id)
    if not closures.delete(get_session(), Closure, row_id):
        abort(404)
    desk().closures.clear()
    flash(_("Closure removed."), "info")
    return redirect(url_for("console.calendar_page"))


@bp.post("/maintenance/<int:row_id>/delete")
def delete_window(row_id: int) -> Response:
    _may_save(MaintenanceWindow, row_id)
    if not closures.delete(get_session(), MaintenanceWindow, row_id):
        abort(404)
    flash(_("Maintenance window removed."), "info")
    return redirect(url_for("console.calendar_page"))


def _plain(exc: Exception) -> str:
    if isinstance(exc, ClosureError):
        return explained(exc)
    return _("Dates and times must be filled in as day and time (e.g. 2026-12-05 22:00).")
