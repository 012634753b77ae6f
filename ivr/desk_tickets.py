"""A desk's own ticket system in DESKS_FILE (issue 28, per desk once desks exist).

    [desk.ozmo]
    ticket_system = "topdesk"
    [desk.ozmo.topdesk]
    url = "https://ozmo.topdesk.net"
    username = "ivr-line"
    app_password_env = "OZMO_TOPDESK_APP_PASSWORD"

A sub-table's keys are the system's settings in lower case without the prefix (`TOPDESK_URL` is
`url`). Any key may instead name an environment variable (`<key>_env`); a secret must. The
result is the desk's overrides of the environment's settings (`Desk.tickets`); a desk without
these keys has none and uses the environment exactly as before.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ivr.config import SETTINGS

SYSTEMS = ("webhook", "topdesk", "zammad")
# The environment's prefix of each system's settings in a sub-table.
PREFIXES = {"webhook": "INCIDENT_WEBHOOK_", "topdesk": "TOPDESK_", "zammad": "ZAMMAD_"}
# Settings that are secrets: never written in the file, only named (`<key>_env`).
SECRETS = frozenset(
    {"INCIDENT_WEBHOOK_SECRET", "TOPDESK_APP_PASSWORD", "ZAMMAD_TOKEN", "ZAMMAD_CTI_URL"}
)
_PARSERS = {s.name: s.parse for s in SETTINGS}
TABLE_KEYS = ("ticket_system", *SYSTEMS)


class TicketKeyError(ValueError):
    """One key is wrong: `key` is its dotted name in the desk's table."""

    def __init__(self, key: str, why: str) -> None:
        super().__init__(why)
        self.key = key


def system_keys(system: str) -> dict[str, str]:
    """The sub-table's keys of `system` and the setting each stands for."""
    prefix = PREFIXES[system]
    named = (s.name for s in SETTINGS if s.name.startswith(prefix))
    return {name.removeprefix(prefix).lower(): name for name in named}


def desk_tickets(
    table: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The settings a desk's table overrides (TICKET_SYSTEM, TOPDESK_URL …), parsed as the
    environment's are; {} for a desk without ticket keys."""
    env = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    if "ticket_system" in table:
        system = table["ticket_system"]
        if not isinstance(system, str) or system.strip() not in ("", *SYSTEMS):
            raise TicketKeyError("ticket_system", f'must be one of {", ".join(SYSTEMS)} or ""')
        found["TICKET_SYSTEM"] = system.strip()
    for system in SYSTEMS:
        if system not in table:
            continue
        sub = table[system]
        if not isinstance(sub, dict):
            raise TicketKeyError(system, f"must be a table ([desk.<key>.{system}])")
        found |= _sub_table(system, sub, env)
    return found


def _sub_table(system: str, sub: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    known = system_keys(system)
    found: dict[str, Any] = {}
    for key, raw in sub.items():
        dotted = f"{system}.{key}"
        by_env = key.endswith("_env") and key.removesuffix("_env") in known
        name = known.get(key.removesuffix("_env") if by_env else key)
        if name is None:
            allowed = ", ".join(f"{k}_env" if known[k] in SECRETS else k for k in known)
            raise TicketKeyError(dotted, f"unknown key (known: {allowed})")
        if name in SECRETS and not by_env:
            raise TicketKeyError(
                dotted, f"a secret is not written in the file: name its variable with {key}_env"
            )
        if by_env:
            if not isinstance(raw, str) or not raw.strip():
                raise TicketKeyError(dotted, "must name an environment variable")
            text = env.get(raw.strip(), "")
            if not text.strip():
                raise TicketKeyError(dotted, f"the environment variable {raw.strip()} is empty")
        else:
            text = _text(dotted, raw)
        try:
            found[name] = _PARSERS[name](text)
        except (ValueError, TypeError) as exc:
            raise TicketKeyError(dotted, str(exc)) from None
    return found


def _text(dotted: str, raw: Any) -> str:
    """A file value as the environment would hold it."""
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, str | int | float):
        return str(raw)
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return ",".join(raw)
    raise TicketKeyError(dotted, "must be a string, a number, true/false or a list of strings")
