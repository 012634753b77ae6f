"""Line alerts: Twilio refusing the account or the line's settings, raised once, shown to leads."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ivr.models import LineAlert
from ivr.twilio_errors import AccountFault

log = logging.getLogger(__name__)

CALLS = "calls"  # placing offers and callbacks (calls.create)
MESSAGES = "messages"  # text messages (messages.create)


def raise_alert(session: Session, kind: str, fault: AccountFault, now: datetime) -> bool:
    """Record that Twilio refuses `kind` for `fault`; True (and one loud log line) when new."""
    alert = session.scalar(select(LineAlert).where(LineAlert.kind == kind).with_for_update())
    if alert is not None and alert.code == fault.code:
        alert.last_seen_at = now
        return False
    if alert is None:
        alert = LineAlert(kind=kind, raised_at=now)
        session.add(alert)
    alert.code, alert.what, alert.fix, alert.last_seen_at = fault.code, fault.what, fault.fix, now
    alert.raised_at = now
    log.error(
        "!!! Twilio refuses the line's %s: %s (error %s). Fix %s. Agents are kept as they are; "
        "no offers are placed until a retry succeeds. !!!",
        kind,
        fault.what,
        fault.code,
        fault.fix,
    )
    return True


def clear(session: Session, kind: str) -> None:
    """Twilio took a request of `kind` again: the alert is over."""
    gone = session.execute(delete(LineAlert).where(LineAlert.kind == kind))
    if gone.rowcount:  # type: ignore[attr-defined]
        log.warning("Twilio accepts the line's %s again: alert cleared", kind)


def standing(session: Session, kind: str | None = None) -> list[LineAlert]:
    """The alerts that stand, oldest first."""
    query = select(LineAlert).order_by(LineAlert.raised_at, LineAlert.id)
    if kind is not None:
        query = query.where(LineAlert.kind == kind)
    return list(session.scalars(query))
