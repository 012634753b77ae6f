"""The kept report figures are exactly the figures computed afresh (issue 30), over a generated
history: every month and scope, after an incident of a closed month changes, as time passes,
and on a desk with other targets and hours. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select

from ivr.db import get_session
from ivr.domain.service_level import Period, ServiceLevelReport
from ivr.models import Incident, ReportCache
from ivr.reporting import as_json
from ivr.services import console, reports
from ivr.services.demo_history import Plan, generate
from ivr.services.desk import Desk
from ivr.services.desks import line_desks
from ivr.services.roles import Scope
from tests.conftest import local

NOW = local(2026, 11, 28, 22, 0)
CLOSED = Period.month(2026, 10)
# noord: other hours and targets than the seed's (default and zuid keep the environment's)
DESKS = """
[desk.default]
numbers = ["+3120000000"]
[desk.noord]
numbers = ["+3150000000"]
opening_hours = "mon-fri 07:00-19:00; sat 09:00-12:00"
targets = {1 = {reaction = 15, restore = 120, status_report = 60}, 2 = {reaction = 45}}
[desk.zuid]
numbers = ["+3143000000"]
"""


@pytest.fixture
def history(make_app: Callable[..., Flask], database_url: str, tmp_path: Path) -> Flask:
    path = tmp_path / "desks.toml"
    path.write_text(DESKS, encoding="utf-8")
    engine = create_engine(database_url)
    generate(engine, Plan(incidents=2_500, now=NOW))
    engine.dispose()
    return make_app(DESKS_FILE=str(path))


def _desk(app: Flask, key: str) -> Desk:
    found = line_desks(app.extensions).get(key)
    assert found is not None
    return found


def _fresh(app: Flask, desk: Desk, period: Period, as_of, desks: Scope, trend: bool):  # type: ignore[no-untyped-def]
    session = get_session()
    calendar = reports.period_calendar(session, desk, period)
    return reports.computed(
        session, calendar, period, as_of, desks, trend=trend, targets=desk.agreement.targets
    )


def _same(kept: ServiceLevelReport, fresh: ServiceLevelReport) -> None:
    assert as_json(kept) == as_json(fresh)
    assert kept == fresh  # every figure, the lists of times included


def _kept_rows() -> int:
    return get_session().scalar(select(func.count()).select_from(ReportCache)) or 0


def _no_arithmetic(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("computed again, not taken from the kept figures")

    monkeypatch.setattr(reports, "build_report", refuse)


SCOPES: list[tuple[str, Scope]] = [("default", None), ("noord", ("noord",)), ("default", ("zuid",))]


@pytest.mark.parametrize(("desk_key", "desks"), SCOPES, ids=["all", "noord", "zuid"])
def test_the_kept_figures_are_the_computed_ones(
    history: Flask, monkeypatch: pytest.MonkeyPatch, desk_key: str, desks: Scope
) -> None:
    with history.app_context():
        desk = _desk(history, desk_key)
        months = [Period.month(2026, m) for m in (5, 8, 10, 11)]  # 11: still running
        expected = {}
        for period in months:
            for trend in (False, True):
                fresh = _fresh(history, desk, period, NOW, desks, trend)
                first = reports.service_level(get_session(), desk, period, NOW, desks, trend=trend)
                _same(first, fresh)
                expected[period, trend] = fresh
        assert _kept_rows() == len(expected)
        with monkeypatch.context() as patched:
            _no_arithmetic(patched)
            for (period, trend), fresh in expected.items():
                again = reports.service_level(get_session(), desk, period, NOW, desks, trend=trend)
                _same(again, fresh)


def test_a_change_to_an_incident_of_a_closed_month_is_seen(
    history: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with history.app_context():
        session = get_session()
        desk = _desk(history, "default")
        start, end = CLOSED.bounds(desk.calendar())
        for trend in (False, True):
            reports.service_level(session, desk, CLOSED, NOW, trend=trend)
        before = reports.service_level(session, desk, CLOSED, NOW)
        waiting = session.scalar(
            select(Incident)
            .where(
                Incident.received_at >= start,
                Incident.received_at < end,
                Incident.status.in_(("open", "acknowledged")),
                Incident.category.in_((1, 2, 3)),
            )
            .order_by(Incident.received_at)
            .limit(1)
        )
        assert waiting is not None, "the history has an unresolved incident in October"
        console.resolve(session, waiting, "lead", NOW)
        for trend in (False, True):
            after = reports.service_level(session, desk, CLOSED, NOW, trend=trend)
            _same(after, _fresh(history, desk, CLOSED, NOW, None, trend))
        after = reports.service_level(session, desk, CLOSED, NOW)
        assert as_json(after) != as_json(before)
        assert after.categories != before.categories  # the change mattered to the figures
        with monkeypatch.context() as patched:
            _no_arithmetic(patched)  # and the new figures are kept in turn
            _same(reports.service_level(session, desk, CLOSED, NOW), after)


def test_figures_of_the_running_month_follow_the_time(history: Flask) -> None:
    """Clocks and status reports fall due as time passes: kept figures are not reused past the
    first of them."""
    month = Period.month(2026, 11)
    with history.app_context():
        session = get_session()
        for key, desks in (("default", None), ("noord", ("noord",))):
            desk = _desk(history, key)
            for later in (
                timedelta(0),
                timedelta(minutes=20),
                timedelta(hours=3),
                timedelta(days=2),
            ):
                as_of = NOW + later
                for trend in (False, True):
                    kept = reports.service_level(session, desk, month, as_of, desks, trend=trend)
                    _same(kept, _fresh(history, desk, month, as_of, desks, trend))
            # and back in time (a report `as of` an earlier moment)
            for trend in (False, True):
                kept = reports.service_level(session, desk, month, NOW, desks, trend=trend)
                _same(kept, _fresh(history, desk, month, NOW, desks, trend))


def test_each_desk_has_its_own_figures(history: Flask) -> None:
    """The same incidents on noord's calendar and targets are not the default desk's figures."""
    with history.app_context():
        session = get_session()
        for key in ("default", "noord", "default"):
            desk = _desk(history, key)
            for trend in (False, True):
                kept = reports.service_level(session, desk, CLOSED, NOW, ("noord",), trend=trend)
                _same(kept, _fresh(history, desk, CLOSED, NOW, ("noord",), trend))
        on_default = reports.service_level(session, _desk(history, "default"), CLOSED, NOW)
        on_noord = reports.service_level(session, _desk(history, "noord"), CLOSED, NOW)
        assert on_default.categories != on_noord.categories


def test_a_period_other_than_a_month_is_computed_each_time(history: Flask) -> None:
    with history.app_context():
        session = get_session()
        desk = _desk(history, "default")
        weeks = Period(CLOSED.first, CLOSED.first + timedelta(days=13))
        kept = reports.service_level(session, desk, weeks, NOW)
        _same(kept, _fresh(history, desk, weeks, NOW, None, False))
        assert _kept_rows() == 0
