"""The incident page's text messages: whether each reached the caller, as Twilio reported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext

from ivr.db import get_session
from ivr.services import delivery, messages

LABELS = {
    "waiting": lazy_gettext("waiting to be sent"),
    "refused": lazy_gettext("refused by Twilio"),
    delivery.PENDING: lazy_gettext("sent, no delivery report yet"),
    delivery.DELIVERED: lazy_gettext("delivered"),
    delivery.UNDELIVERED: lazy_gettext("undelivered"),
    delivery.FAILED: lazy_gettext("failed"),
    delivery.PARTLY: lazy_gettext("partly delivered"),
    delivery.CANCELED: lazy_gettext("canceled"),
}


@dataclass(frozen=True)
class TextShown:
    state: str
    label: str
    at: datetime
    error: int | None


def text_messages(incident_id: int) -> list[TextShown]:
    shown = []
    for m in messages.for_incident(get_session(), incident_id):
        state = m.delivery_status or ("refused" if m.given_up_at else "waiting")
        if state in (delivery.UNDELIVERED, delivery.FAILED) and not m.given_up_at:
            state_label = str(LABELS[state])  # sent again later
        else:
            state_label = str(LABELS.get(state, state))
        shown.append(
            TextShown(state, state_label, m.delivered_at or m.created_at, m.delivery_error)
        )
    return shown
