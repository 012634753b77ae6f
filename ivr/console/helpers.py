"""What every console view needs: the desk, its clock and calendar, times shown in its zone."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from ivr import services
from ivr.db import get_session
from ivr.domain.calendar import BusinessCalendar
from ivr.services.desk import Desk, business_calendar


def desk() -> Desk:
    return current_app.extensions["ivr.desk"]


def now() -> datetime:
    return services.now()


def calendar() -> BusinessCalendar:
    return business_calendar(desk(), get_session(), now())


def shown(value: datetime | None, pattern: str = "%a %d %b %H:%M") -> str:
    """A time as the desk reads it: in its own zone."""
    return value.astimezone(desk().tz).strftime(pattern) if value else "—"


def parse_local(text: str) -> datetime:
    """`2026-12-05T22:00` from a form, read in the desk's zone."""
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=desk().tz)


def template_helpers() -> dict[str, object]:
    from ivr.privacy import mask_number

    return {"shown": shown, "masked": mask_number}
