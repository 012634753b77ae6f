"""An incident as plain JSON values: for the export, the API and the ticket-system hand-off."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from ivr.domain.calendar import BusinessCalendar
from ivr.domain.sla import SlaState, sla_state
from ivr.models import Incident, IncidentEvent


def _iso(value: datetime | None, tz: tzinfo) -> str | None:
    return value.astimezone(tz).isoformat() if value else None


def change_state(calendar: BusinessCalendar, incident: Incident, now: datetime) -> SlaState | None:
    """A standard change's own clock: met when resolved before its due time (strictly)."""
    if incident.change_due is None:
        return None
    return sla_state(
        calendar, incident.received_at, incident.change_due, now, done_at=incident.resolved_at
    )


def as_record(
    incident: Incident,
    tz: tzinfo = UTC,
    *,
    calendar: BusinessCalendar | None = None,
    now: datetime | None = None,
) -> dict[str, object]:
    """Every answer the caller gave and every clock; times in `tz`, ISO 8601 with offset.

    With `calendar` and `now` (the API, the export) the standard change's state at `now` too.
    """
    state = change_state(calendar, incident, now) if calendar and now else None
    return {
        "reference": incident.reference,
        "kind": incident.kind,
        "language": incident.language,
        "impact": incident.impact,
        "severity": incident.severity,
        "category": incident.category,
        "status": incident.status,
        "caller_number": incident.caller_number,
        "callback_number": incident.callback_number,
        "recording_url": incident.recording_url,
        "recording_duration": incident.recording_duration,
        "taken_out_of_hours": incident.taken_out_of_hours,
        "received_at": _iso(incident.received_at, tz),
        "pickup_at": _iso(incident.pickup_at, tz),
        "reaction_due": _iso(incident.reaction_due, tz),
        "restore_due": _iso(incident.restore_due, tz),
        "status_report_due": _iso(incident.status_report_due, tz),
        "appointment_at": _iso(incident.appointment_at, tz),
        "acknowledged_at": _iso(incident.acknowledged_at, tz),
        "acknowledged_by": incident.acknowledged_by,
        "resolved_at": _iso(incident.resolved_at, tz),
        "resolved_by": incident.resolved_by,
        "summary": incident.summary,
        "summary_confidence": incident.summary_confidence,
        "change_due": _iso(incident.change_due, tz),
        "change_state": str(state) if state else None,
        "support_incident": bool(incident.support_incident),
    }


def history_record(entry: IncidentEvent, tz: tzinfo = UTC) -> dict[str, object]:
    return {
        "kind": entry.kind,
        "at": _iso(entry.at, tz),
        "author": entry.author,
        "text": entry.text,
        "language": entry.language,
        "value_at": _iso(entry.value_at, tz),
        "previous_at": _iso(entry.previous_at, tz),
    }
