"""The fixed names of SLA states, statuses, kinds, routes and call outcomes, translated once per
language and kept (issue 30).

The work list shows a dozen of them a row; a template's `_()` per name per row was most of the
page's time. The names are the same for every request in a language (the catalogs are compiled
at start), so each language's are translated once per app. `Markup`, as the templates' `_()`
gives them: a translation is output as written, a value without a name escaped.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale, gettext
from markupsafe import Markup


def N_(text: str) -> str:
    """A name to translate later (ivr/console_catalogs.py extracts it)."""
    return text


NAMES = {
    "state": {
        "on_time": N_("on time"),
        "due_soon": N_("due soon"),
        "breached": N_("breached"),
        "met": N_("met"),
    },
    "report": {"breached": N_("overdue")},  # a status report past its time
    "status": {
        "partial": N_("partial"),
        "open": N_("open"),
        "acknowledged": N_("acknowledged"),
        "resolved": N_("resolved"),
    },
    "kind": {
        "incident": N_("incident"),
        "question": N_("question"),
        "change": N_("standard change"),
        "standard_change": N_("standard change"),
    },
    "route": {"open": N_("open"), "closed": N_("closed")},
    "outcome": {
        "agent answered": N_("agent answered"),
        "report taken": N_("report taken"),
        "hung up": N_("hung up"),
        "ringing agents": N_("ringing agents"),
        "no agent answered": N_("no agent answered"),
        "no agent on duty": N_("no agent on duty"),
        "fallback number": N_("fallback number"),
    },
}
KEPT = "ivr.console.labels"


def _translated() -> dict[str, dict[str, Markup]]:
    locale = str(get_locale())
    kept: dict[str, dict[str, dict[str, Markup]]] = current_app.extensions.setdefault(KEPT, {})
    names = kept.get(locale)
    if names is None:
        # The catalogs' own text, trusted as the templates' `_()` trusts it (jinja2.ext).
        names = {
            group: {value: Markup(gettext(name)) for value, name in members.items()}  # noqa: S704
            for group, members in NAMES.items()
        }
        kept[locale] = names
    return names


def label(group: str, value: object) -> object:
    """The name of `value` in `group` in the user's language; `value` itself when it has none."""
    return _translated()[group].get(value, value)  # type: ignore[call-overload]
