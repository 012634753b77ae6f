"""Each call outcome (ivr/domain/call_outcome.py) by its name in the user's language."""

from __future__ import annotations

from flask_babel import LazyString, lazy_gettext

from ivr.domain.call_outcome import Outcome

OUTCOME_NAMES: dict[Outcome, LazyString] = {
    Outcome.AGENT: lazy_gettext("answered by an agent"),
    Outcome.REPORT_IN_HOURS: lazy_gettext("report in hours"),
    Outcome.REPORT_OUT_OF_HOURS: lazy_gettext("report out of hours"),
    Outcome.CALLBACK: lazy_gettext("callback requested"),
    Outcome.FORWARDED: lazy_gettext("forwarded"),
    Outcome.DISRUPTION: lazy_gettext("joined a known disruption"),
    Outcome.STATUS: lazy_gettext("status of a report asked"),
    Outcome.AGENT_PHONE: lazy_gettext("agent logged in or out"),
    Outcome.ABANDONED_MENU: lazy_gettext("abandoned in a menu"),
    Outcome.ABANDONED_WAITING: lazy_gettext("abandoned while waiting"),
}
