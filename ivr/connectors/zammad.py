"""Zammad as the line's ticket system: every HTTP call the line makes to Zammad's REST API.

An incident becomes a ticket in the desk's group, with the caller as its customer (found by
phone or mobile number, else created), one public phone article with everything the caller
answered, the line's reference in its title and as a tag, and a priority from its category.
Back to the line: the state (closed resolves the incident) and the agents' public articles.

Zammad's REST API (https://docs.zammad.org/en/latest/api/intro.html):
- authentication `Authorization: Token token=...` (intro.html, "HTTP Token Authentication");
- tickets: POST /api/v1/tickets (201, the ticket with `id`, `number`), GET
  /api/v1/tickets/search?query=...&limit=... ({"tickets": [ids], "assets": {"Ticket": ...}})
  (https://docs.zammad.org/en/latest/api/ticket/index.html);
- the first article rides in the ticket's `article` (type "phone", internal false), articles
  read with GET /api/v1/ticket_articles/by_ticket/{id}
  (https://docs.zammad.org/en/latest/api/ticket/articles.html);
- users: GET /api/v1/users/search?query=..., POST /api/v1/users (201)
  (https://docs.zammad.org/en/latest/api/user.html);
- tags: POST /api/v1/tags/add {"item", "object": "Ticket", "o_id"} (201, `true`)
  (https://docs.zammad.org/en/latest/api/ticket/tags.html);
- GET /api/v1/groups, /api/v1/ticket_priorities, /api/v1/ticket_states
  (https://docs.zammad.org/en/latest/api/group.html, .../api/ticket/priorities.html,
  .../api/ticket/states.html); a default Zammad has priorities "1 low", "2 normal", "3 high"
  and states "new", "open", "pending reminder", "closed", "merged", "pending close".
- errors: a JSON body {"error": "...", "error_human": "..."} (Zammad's
  app/controllers/application_controller/handles_errors.rb), 401 for a bad token, 422 for a
  record Zammad refuses.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import requests

from ivr.connectors.base import (
    ConnectorSetupError,
    Delivery,
    Outcome,
    Progress,
    Result,
)
from ivr.privacy import mask_number, mask_numbers_in

log = logging.getLogger(__name__)

TITLE_PREFIX = "IVR"  # the title begins "IVR 12345678: ..." so the line finds its own tickets
PROGRESS_LIMIT = 200  # tickets per progress read; the rest come next time (sorted by updated_at)
TITLE_MAX = 250  # tickets.title is a string(250) in Zammad's schema (db/migrate, create_ticket)
_OWN_TITLE = re.compile(rf"^{TITLE_PREFIX} (\d{{8}})\b")


def tag_for(reference: str) -> str:
    return f"ivr-{reference}"


def title_for(record: Mapping[str, Any]) -> str:
    words = [str(record.get("kind") or "incident").replace("_", " ")]
    if record.get("category"):
        words.append(f"category {record['category']}")
    if record.get("summary"):
        words.append(str(record["summary"]))
    return f"{TITLE_PREFIX} {record['reference']}: {' · '.join(words)}"[:TITLE_MAX]


_BODY_FIELDS = (
    ("reference", "Reference"),
    ("kind", "Kind"),
    ("language", "Language"),
    ("category", "Category"),
    ("impact", "Impact"),
    ("severity", "Severity"),
    ("summary", "Summary"),
    ("caller_number", "Caller"),
    ("callback_number", "Call back on"),
    ("received_at", "Received"),
    ("pickup_at", "Pick-up"),
    ("reaction_due", "Reaction due"),
    ("restore_due", "Restore due"),
    ("status_report_due", "Status report due"),
    ("appointment_at", "Appointment"),
    ("change_due", "Change due"),
    ("taken_out_of_hours", "Taken out of hours"),
    ("recording_url", "Recording"),
)


def body_for(record: Mapping[str, Any]) -> str:
    """Everything the caller answered and every clock, one `Label: value` a line (text/plain)."""
    lines = []
    for key, label in _BODY_FIELDS:
        value = record.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        lines.append(f"{label}: {value}")
    return "\n".join(lines)


def parse_priority_names(text: str) -> dict[int, str]:
    """`1=3 high,2=3 high,3=2 normal,4=1 low` -> {1: "3 high", ...}."""
    names: dict[int, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        category, sep, name = part.partition("=")
        if not sep or not category.strip().isdigit() or not name.strip():
            raise ValueError(f"ZAMMAD_PRIORITY_NAMES: {part.strip()!r} is not category=name")
        names[int(category)] = name.strip()
    return names


@dataclass(frozen=True)
class ZammadSettings:
    url: str  # e.g. https://desk.zammad.com (no /api/v1)
    token: str
    group: str
    priorities: Mapping[int, str] = field(default_factory=dict)  # category -> priority name
    withheld_customer: str = "withheld-number@phone-line.invalid"
    closed_states: frozenset[str] = frozenset({"closed"})
    timeout: float = 5.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ZammadSettings:
        """The settings from the environment; ConnectorSetupError naming what is missing."""
        for name in ("ZAMMAD_URL", "ZAMMAD_TOKEN", "ZAMMAD_GROUP"):
            if not config.get(name):
                raise ConnectorSetupError(f"{name} is not set: TICKET_SYSTEM=zammad needs it")
        try:
            priorities = parse_priority_names(str(config["ZAMMAD_PRIORITY_NAMES"]))
        except ValueError as exc:
            raise ConnectorSetupError(str(exc)) from exc
        return cls(
            url=str(config["ZAMMAD_URL"]).rstrip("/"),
            token=str(config["ZAMMAD_TOKEN"]),
            group=str(config["ZAMMAD_GROUP"]),
            priorities=priorities,
            withheld_customer=str(config["ZAMMAD_WITHHELD_CUSTOMER"]),
            closed_states=frozenset(
                s.strip() for s in str(config["ZAMMAD_CLOSED_STATES"]).split(",") if s.strip()
            ),
            timeout=float(config.get("HTTP_TIMEOUT_SECONDS", 5.0)),
        )


class ZammadError(Exception):
    """Zammad could not be read (down, slow, refusing): for the progress reader's log."""


class _Refused(ZammadError):
    """Zammad said no (4xx): the request is wrong; retrying it will not help."""


class _Unavailable(ZammadError):
    """Not now: 5xx, 429, a timeout, no connection, an answer that is not JSON."""


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        words = body.get("error_human") or body.get("error")
        if words:
            return f"HTTP {response.status_code}: {words}"[:500]
    return f"HTTP {response.status_code}"


def _plain(html: str) -> str:
    """An article's body as plain text (Zammad's web UI writes text/html)."""

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag in ("br", "p", "div", "li"):
                self.parts.append("\n")

    parser = _Text()
    parser.feed(html)
    return re.sub(r"\n\s*\n+", "\n", "".join(parser.parts)).strip()


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _digits(number: str | None) -> str:
    return re.sub(r"\D", "", number or "")


def same_number(a: str | None, b: str | None) -> bool:
    """`+31 20 123 4567` and `0031201234567` and `020 1234567` are one number: the last nine
    digits agree (Zammad keeps numbers as typed)."""
    da, db = _digits(a), _digits(b)
    return len(da) >= 6 and len(db) >= 6 and da[-9:] == db[-9:]


# Countries whose numbers are also written nationally with a trunk 0 (+31 20 ... = 020 ...).
_TRUNK_ZERO = ("31", "32", "33", "41", "43", "44", "49")


def written_forms(number: str) -> list[str]:
    """The ways a desk types this number into Zammad (which searches them as typed): E.164,
    with 00, without +, and nationally with a 0; `same_number` then checks what was found."""
    forms = [number]
    if number.startswith("+"):
        digits = number[1:]
        forms += ["00" + digits, digits]
        if digits[:2] in _TRUNK_ZERO:
            forms.append("0" + digits[2:])
    return forms


class ZammadConnector:
    name = "zammad"

    def __init__(self, settings: ZammadSettings, http: requests.Session | None = None) -> None:
        self.settings = settings
        self.http = http or requests.Session()
        self._states: dict[int, str] | None = None

    # --- HTTP -------------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {
            "Authorization": f"Token token={self.settings.token}",
            "Accept": "application/json",
        }
        try:
            response = self.http.request(
                method,
                self.settings.url + path,
                headers=headers,
                timeout=self.settings.timeout,
                **kwargs,
            )
        except (OSError, requests.RequestException) as exc:
            raise _Unavailable(f"{type(exc).__name__}: {exc}"[:500]) from exc
        # 401/403: the token was revoked or lost a permission. Nothing is wrong with the
        # ticket: it waits (the error shown) until the token is fixed, rather than given up.
        if response.status_code in (401, 403, 429) or response.status_code >= 500:
            raise _Unavailable(_error_text(response))
        if response.status_code >= 400:
            raise _Refused(_error_text(response))
        try:
            return response.json()
        except ValueError as exc:
            raise _Unavailable(f"HTTP {response.status_code}: not JSON") from exc

    # --- set-up -----------------------------------------------------------------------------

    def setup(self) -> None:
        """The group and every priority name exist in this Zammad, else ConnectorSetupError."""
        try:
            groups = self._call("GET", "/api/v1/groups")
            priorities = self._call("GET", "/api/v1/ticket_priorities")
        except _Refused as exc:  # a URL that is not Zammad's API
            raise ConnectorSetupError(f"ZAMMAD_URL/ZAMMAD_TOKEN: Zammad answered {exc}") from exc
        except _Unavailable as exc:
            if str(exc).startswith(("HTTP 401", "HTTP 403")):  # a wrong token: say so at start
                raise ConnectorSetupError(
                    f"ZAMMAD_URL/ZAMMAD_TOKEN: Zammad answered {exc}"
                ) from exc
            # down for now: deliveries wait and retry, start anyway
            log.warning("Zammad's groups and priorities not checked: %s", mask_numbers_in(str(exc)))
            return
        group_names = {g.get("name") for g in groups if g.get("active", True)}
        if self.settings.group not in group_names:
            raise ConnectorSetupError(
                f"ZAMMAD_GROUP: Zammad has no active group {self.settings.group!r} "
                f"(it has: {', '.join(sorted(n for n in group_names if n))})"
            )
        known = {p.get("name") for p in priorities if p.get("active", True)}
        unknown = sorted(set(self.settings.priorities.values()) - known)
        if unknown:
            raise ConnectorSetupError(
                f"ZAMMAD_PRIORITY_NAMES: Zammad has no priority {', '.join(map(repr, unknown))} "
                f"(it has: {', '.join(sorted(n for n in known if n))})"
            )

    # --- delivery ---------------------------------------------------------------------------

    def deliver(self, delivery: Delivery) -> Outcome:
        record = delivery.incident
        reference = str(record["reference"])
        # Every article the line writes names its delivery: a later attempt of the same one
        # sees it is there, a later delivery of the same incident adds its own.
        marker = f"Line delivery: {delivery.message_id}"
        ticket_id = delivery.external_id
        try:
            if ticket_id is None and delivery.maybe_written:
                ticket_id = self._find_ticket(reference)
            if ticket_id is None:
                ticket_id = self._create_ticket(record, marker)
            elif not self._has_article(ticket_id, marker):
                self._follow_up(ticket_id, record, marker)
        except _Refused as exc:
            return Outcome(Result.REFUSED, message=str(exc))
        except _Unavailable as exc:
            return Outcome(Result.RETRY, message=str(exc))
        try:
            self._call(
                "POST",
                "/api/v1/tags/add",
                json={"item": tag_for(reference), "object": "Ticket", "o_id": int(ticket_id)},
            )
        except _Refused as exc:  # the ticket is there; a tag Zammad will not take is no reason
            said = mask_numbers_in(str(exc))
            log.warning("Zammad ticket %s of %s: tag refused (%s)", ticket_id, reference, said)
        except _Unavailable as exc:  # the ticket is known now: the next attempt only tags it
            return Outcome(Result.RETRY, external_id=str(ticket_id), message=str(exc))
        return Outcome(Result.DELIVERED, external_id=str(ticket_id))

    def _has_article(self, ticket_id: str, marker: str) -> bool:
        articles = self._call("GET", f"/api/v1/ticket_articles/by_ticket/{ticket_id}")
        return any(marker in (a.get("body") or "") for a in articles)

    def _follow_up(self, ticket_id: str, record: Mapping[str, Any], marker: str) -> None:
        """A later delivery of an incident that has its ticket (a report completed after the
        caller hung up): the ticket takes the new title and priority, and the answers as a
        public phone article (POST /api/v1/ticket_articles, PUT /api/v1/tickets/{id};
        https://docs.zammad.org/en/latest/api/ticket/articles.html, .../ticket/index.html)."""
        changes: dict[str, Any] = {"title": title_for(record)}
        category = record.get("category")
        if isinstance(category, int) and category in self.settings.priorities:
            changes["priority"] = self.settings.priorities[category]
        self._call("PUT", f"/api/v1/tickets/{ticket_id}", json=changes)
        self._call(
            "POST",
            "/api/v1/ticket_articles",
            json={"ticket_id": int(ticket_id), **self._article(record, marker)},
        )

    def _article(self, record: Mapping[str, Any], marker: str) -> dict[str, Any]:
        return {
            "subject": title_for(record),
            "body": f"{body_for(record)}\n{marker}",
            "content_type": "text/plain",
            "type": "phone",
            "sender": "Customer",
            "internal": False,
        }

    def _find_ticket(self, reference: str) -> str | None:
        """The ticket an earlier attempt made, by the reference in its title."""
        found = self._call(
            "GET",
            "/api/v1/tickets/search",
            params={"query": f'title:"{TITLE_PREFIX} {reference}"', "limit": 10},
        )
        tickets = (found.get("assets") or {}).get("Ticket") or {}
        for ticket_id in found.get("tickets") or []:
            ticket = tickets.get(str(ticket_id)) or {}
            match = _OWN_TITLE.match(ticket.get("title") or "")
            if match and match.group(1) == reference:
                return str(ticket_id)
        return None

    def _create_ticket(self, record: Mapping[str, Any], marker: str) -> str:
        ticket: dict[str, Any] = {
            "title": title_for(record),
            "group": self.settings.group,
            "customer_id": self._customer(record),
            "article": self._article(record, marker),
        }
        category = record.get("category")
        if isinstance(category, int) and category in self.settings.priorities:
            ticket["priority"] = self.settings.priorities[category]
        created = self._call("POST", "/api/v1/tickets", json=ticket)
        return str(created["id"])

    def _customer(self, record: Mapping[str, Any]) -> int | str:
        """The caller's Zammad user, by phone or mobile; created when there is none."""
        number = record.get("caller_number") or record.get("callback_number")
        if not number or not _digits(number):
            # No number to know them by: the user the desk keeps for withheld numbers
            # (`guess:{email}` finds or creates it; tickets/index.html, "Create").
            return f"guess:{self.settings.withheld_customer}"
        forms = " OR ".join(f'"{form}"' for form in written_forms(str(number)))
        query = f"phone:({forms}) OR mobile:({forms})"
        users = self._call("GET", "/api/v1/users/search", params={"query": query, "limit": 10})
        for user in users or []:
            if same_number(user.get("phone"), number) or same_number(user.get("mobile"), number):
                return int(user["id"])
        created = self._call(
            "POST",
            "/api/v1/users",
            json={
                "firstname": "Caller",
                "lastname": str(number),
                "phone": str(number),
                "note": "created by the phone line",
            },
        )
        log.info("Zammad customer %s created for %s", created.get("id"), mask_number(number))
        return int(created["id"])

    # --- progress ---------------------------------------------------------------------------

    def progress(self, since: datetime) -> Sequence[Progress]:
        """Public agent articles and closings on the line's tickets changed from `since` on
        (the same item again is harmless: the line applies each once). Raises when Zammad
        cannot be read: the same window is read again next time."""
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        states = self._state_names()
        found = self._call(
            "GET",
            "/api/v1/tickets/search",
            params={
                # Only the line's tickets (their title begins with "IVR"), so a busy Zammad's
                # other tickets never crowd them out; an inclusive range on updated_at in
                # Elasticsearch's query string syntax, the date quoted for its colons.
                "query": f'title:"{TITLE_PREFIX}" AND updated_at:["{stamp}" TO *]',
                "limit": PROGRESS_LIMIT,
                "sort_by": "updated_at",
                "order_by": "asc",
            },
        )
        tickets = (found.get("assets") or {}).get("Ticket") or {}
        news: list[Progress] = []
        for ticket_id in found.get("tickets") or []:
            ticket = tickets.get(str(ticket_id)) or {}
            match = _OWN_TITLE.match(ticket.get("title") or "")
            if match:
                news.extend(self._ticket_news(match.group(1), ticket, states, since))
        return sorted(news, key=lambda p: p.at)

    def _state_names(self) -> dict[int, str]:
        if self._states is None:
            listed = self._call("GET", "/api/v1/ticket_states")
            self._states = {int(s["id"]): str(s["name"]) for s in listed}
        return self._states

    def _ticket_news(
        self, reference: str, ticket: Mapping[str, Any], states: Mapping[int, str], since: datetime
    ) -> list[Progress]:
        ticket_id = str(ticket["id"])
        articles = self._call("GET", f"/api/v1/ticket_articles/by_ticket/{ticket_id}")
        first = min((int(a["id"]) for a in articles), default=None)
        news = []
        for article in articles:
            at = _when(article.get("created_at"))
            if (
                at is None
                or at < since
                or article.get("internal")
                or int(article["id"]) == first  # the line's own phone article
                or article.get("sender") not in ("Agent", None)
            ):
                continue
            text = article.get("body") or ""
            if article.get("content_type", "text/html") == "text/html":
                text = _plain(text)
            if text:
                news.append(Progress(reference, ticket_id, at, text=text))
        state = states.get(int(ticket.get("state_id") or 0))
        if state in self.settings.closed_states:
            at = _when(ticket.get("close_at")) or _when(ticket.get("updated_at")) or since
            if at >= since:
                news.append(Progress(reference, ticket_id, at, resolved=True))
        return news
