"""The line alert on every console page: Twilio refuses the account, and what the lead must fix."""

from __future__ import annotations

import logging

from flask_babel import gettext, lazy_gettext
from sqlalchemy.exc import SQLAlchemyError

from ivr.db import get_session
from ivr.services import line_alerts

log = logging.getLogger(__name__)

# What to fix, in the user's language; a setting's name is shown as it is written.
_FIX = {
    "the Voice geographic permissions of the Twilio account (Console > Voice > Settings)": (
        lazy_gettext("the geographic permissions of the Twilio account (Voice settings)")
    ),
    "the Twilio account": lazy_gettext("the Twilio account"),
    "the Twilio account (upgrade it)": lazy_gettext("the Twilio account (a trial account)"),
}


def line_alert_texts() -> list[str]:
    """One sentence per standing alert (none when the database cannot say)."""
    try:
        alerts = line_alerts.standing(get_session())
    except SQLAlchemyError:
        log.warning("line alerts unavailable: database unreachable")
        return []
    texts = []
    for alert in alerts:
        fix = str(_FIX.get(alert.fix, alert.fix))
        if alert.kind == line_alerts.MESSAGES:
            text = gettext(
                "Twilio refuses the line's text messages (error %(code)s). Fix: %(fix)s.",
                code=alert.code,
                fix=fix,
            )
        else:
            text = gettext(
                "Twilio refuses the line's calls to agents (error %(code)s). Fix: %(fix)s. "
                "Agents stay as they are; waiting callers are taken on to the report or the "
                "fallback number until a retry succeeds.",
                code=alert.code,
                fix=fix,
            )
        texts.append(text)
    return texts
