"""A local fake of the part of Zammad the line uses: its REST API and its generic CTI endpoint.

Built from Zammad's public documentation; every shape and status below names its page:
- API intro, token authentication `Authorization: Token token=...`, JSON everywhere:
  https://docs.zammad.org/en/latest/api/intro.html
- tickets (list/search/show/create/update; 201 with `id`, `number`; search answers `tickets` ids and
  `assets.Ticket`): https://docs.zammad.org/en/latest/api/ticket/index.html
- articles (type "phone", `internal`, `sender`, `content_type`; by_ticket; create 201):
  https://docs.zammad.org/en/latest/api/ticket/articles.html
- users (search, create 201): https://docs.zammad.org/en/latest/api/user.html
- tags (POST /api/v1/tags/add -> 201 `true`): https://docs.zammad.org/en/latest/api/ticket/tags.html
- groups, priorities, states: https://docs.zammad.org/en/latest/api/group.html,
  https://docs.zammad.org/en/latest/api/ticket/priorities.html,
  https://docs.zammad.org/en/latest/api/ticket/states.html (a fresh Zammad's seeds: group
  "Users"; priorities 1 "1 low", 2 "2 normal", 3 "3 high"; states 1 new, 2 open, 3 pending
  reminder, 4 closed, 5 merged, 6 removed, 7 pending close)
- errors `{"error", "error_human"}`: 401 without a valid token, 404 for an unknown record,
  422 for a record Zammad will not save (app/controllers/application_controller/
  handles_errors.rb in github.com/zammad/zammad)
- generic CTI: POST {FQDN}/api/v1/cti/{token}, JSON or form, events newCall / answer / hangup,
  answer `{}`; a wrong token is refused with 401:
  https://docs.zammad.org/en/latest/api/generic-cti/index.html,
  .../generic-cti/newcall-event.html, .../answer-event.html, .../hangup-event.html

The fake answers and keeps what it was given; what Zammad's agents do (a public reply, closing
the ticket) is played by the test through `reply` and `close`.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ivr.phone.loopback import Answer, LoopbackRequest, LoopbackServer

GROUPS = [{"id": 1, "name": "Users", "active": True}]
PRIORITIES = [
    {"id": 1, "name": "1 low", "active": True},
    {"id": 2, "name": "2 normal", "active": True},
    {"id": 3, "name": "3 high", "active": True},
]
STATES = [
    {"id": 1, "name": "new", "state_type_id": 1, "active": True},
    {"id": 2, "name": "open", "state_type_id": 2, "active": True},
    {"id": 3, "name": "pending reminder", "state_type_id": 3, "active": True},
    {"id": 4, "name": "closed", "state_type_id": 5, "active": True},
    {"id": 5, "name": "merged", "state_type_id": 6, "active": True},
    {"id": 6, "name": "removed", "state_type_id": 7, "active": True},
    {"id": 7, "name": "pending close", "state_type_id": 4, "active": True},
]
CTI_EVENTS = ("newCall", "answer", "hangup")
# hangup causes, https://docs.zammad.org/en/latest/api/generic-cti/hangup-event.html
HANGUP_CAUSES = (
    "normalClearing", "busy", "cancel", "noAnswer", "congestion", "notFound", "forwarded",
)  # fmt: skip


class ZammadError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message

    def body(self) -> dict[str, str]:
        return {"error": self.message, "error_human": self.message}


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorization: str


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


class FakeZammad(LoopbackServer):
    """Zammad's REST API and CTI endpoint on a loopback port; use as a context manager."""

    methods = ("GET", "POST", "PUT", "DELETE")
    content_type = "application/json; charset=utf-8"
    protocol_version = "HTTP/1.1"

    def __init__(self, token: str = "zammad-token", cti_token: str = "cti-token") -> None:
        super().__init__()
        self.token = token
        self.cti_token = cti_token
        self.requests: list[Seen] = []
        self.tickets: dict[int, dict[str, Any]] = {}
        self.articles: dict[int, dict[str, Any]] = {}
        self.users: dict[int, dict[str, Any]] = {
            1: {"id": 1, "login": "-", "firstname": "-", "lastname": "", "phone": "", "mobile": ""}
        }
        self.tags: dict[int, list[str]] = {}
        self.cti: list[dict[str, Any]] = []  # the CTI events received, in order
        self.groups = [dict(g) for g in GROUPS]
        self.priorities = [dict(p) for p in PRIORITIES]
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        # Faults. `failing`: answer every request with this status (an outage, e.g. 502, 503).
        self.failing: int | None = None
        # `lose_replies`: this many writes (POST) are done and kept, then the reply is lost: the
        # connection closes without an answer (`lose_with` None) or with that status (a proxy's
        # 502/504 after Zammad wrote).
        self.lose_replies = 0
        self.lose_with: int | None = None
        self.lose_path: str | None = "/api/v1/tickets"  # whose replies are lost (None: any POST)
        # `refuse`: answer the next ticket creation with (status, message), e.g. (422, ...).
        self.refuse: tuple[int, str] | None = None
        # `failing_paths`: one path answers with a status, e.g. {"/api/v1/tags/add": 503}.
        self.failing_paths: dict[str, int] = {}
        self.slow_seconds = 0.0  # wait this long before answering (a timeout for the client)
        self._next = {"ticket": 1, "article": 1, "user": 2, "number": 31001}

    @property
    def cti_url(self) -> str:
        return f"{self.base_url}/api/v1/cti/{self.cti_token}"

    # What tests do and look at -------------------------------------------------------------

    def add_user(self, **fields: Any) -> int:
        with self.lock:
            user_id = self._take("user")
            self.users[user_id] = {"id": user_id, "phone": "", "mobile": "", **fields}
            return user_id

    def tickets_titled(self, text: str) -> list[dict[str, Any]]:
        with self.lock:
            return [t for t in self.tickets.values() if text in t["title"]]

    def articles_of(self, ticket_id: int) -> list[dict[str, Any]]:
        with self.lock:
            return [a for a in self.articles.values() if a["ticket_id"] == ticket_id]

    def reply(self, ticket_id: int, body: str, internal: bool = False) -> dict[str, Any]:
        """An agent writes an article in Zammad's web UI (text/html, sender Agent)."""
        with self.lock:
            article = self._article(
                ticket_id,
                {"body": body, "type": "note", "internal": internal, "content_type": "text/html"},
                sender="Agent",
            )
            self._touch(ticket_id)
            return article

    def close(self, ticket_id: int) -> None:
        with self.lock:
            ticket = self.tickets[ticket_id]
            ticket["state_id"] = 4
            ticket["close_at"] = _stamp(self.now())
            self._touch(ticket_id)

    # Serving -------------------------------------------------------------------------------

    def respond(self, request: LoopbackRequest) -> Answer:
        try:
            return self.handle(
                request.method,
                request.target,
                request.authorization,
                request.body,
                request.content_type,
            )
        except ZammadError as exc:
            return exc.status, exc.body()

    def handle(
        self, method: str, target: str, authorization: str, body: bytes, content_type: str
    ) -> tuple[int, Any] | None:
        """(status, JSON) to answer, or None to close the connection without an answer."""
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if content_type.startswith("application/json") and body:
            try:
                payload: Any = json.loads(body)
            except ValueError:
                raise ZammadError(422, "JSON could not be parsed") from None
        else:
            payload = {
                k: v if k.endswith("[]") else v[-1] for k, v in parse_qs(body.decode()).items()
            }
        with self.lock:
            self.requests.append(Seen(method, parts.path, query, payload, authorization))
            failing = self.failing or self.failing_paths.get(parts.path)
            if failing:
                raise ZammadError(failing, "Service Unavailable")
        if self.slow_seconds:
            time.sleep(self.slow_seconds)
        with self.lock:
            if parts.path.startswith("/api/v1/cti/"):
                return self._cti(parts.path.rsplit("/", 1)[1], payload)
            expected = f"Token token={self.token}"
            if not secrets.compare_digest(authorization.encode(), expected.encode()):
                raise ZammadError(401, "Authentication required")
            status, answer = self._route(method, parts.path, query, payload)
            losing = self.lose_path in (None, parts.path)
            if method == "POST" and self.lose_replies > 0 and losing:
                self.lose_replies -= 1
                if self.lose_with is None:
                    return None
                return self.lose_with, {"error": "Bad Gateway"}
            return status, answer

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        routes: list[tuple[str, str, Callable[..., tuple[int, Any]]]] = [
            ("GET", r"/api/v1/groups", lambda: (200, self.groups)),
            ("GET", r"/api/v1/ticket_priorities", lambda: (200, self.priorities)),
            ("GET", r"/api/v1/ticket_states", lambda: (200, STATES)),
            ("GET", r"/api/v1/users/search", lambda: (200, self._search_users(query))),
            ("POST", r"/api/v1/users", lambda: (201, self._create_user(body))),
            ("GET", r"/api/v1/tickets/search", lambda: (200, self._search_tickets(query))),
            ("POST", r"/api/v1/tickets", lambda: (201, self._create_ticket(body))),
            ("GET", r"/api/v1/tickets/(\d+)", lambda n: (200, self._ticket(int(n)))),
            (
                "GET",
                r"/api/v1/ticket_articles/by_ticket/(\d+)",
                lambda n: (200, self._by_ticket(n)),
            ),
            ("POST", r"/api/v1/tags/add", lambda: (201, self._add_tag(body))),
            ("PUT", r"/api/v1/tickets/(\d+)", lambda n: (200, self._update_ticket(int(n), body))),
            ("POST", r"/api/v1/ticket_articles", lambda: (201, self._create_article(body))),
        ]
        for route_method, pattern, answer in routes:
            found = re.fullmatch(pattern, path)
            if found and route_method == method:
                return answer(*found.groups())
        raise ZammadError(404, f"No route matches [{method}] {path!r}")

    # Users ---------------------------------------------------------------------------------

    def _search_users(self, params: dict[str, str]) -> list[dict[str, Any]]:
        query = params.get("query", "")
        # `field:"value"` or `field:("a" OR "b")` (Elasticsearch's query string syntax, which
        # Zammad's search passes on); a value matches a number as it was typed, whole.
        wanted = [
            (field, value)
            for field, values in re.findall(r'(phone|mobile):(\("[^)]*\)|"[^"]*")', query)
            for value in re.findall(r'"([^"]*)"', values)
        ]
        if not wanted:
            words = query.lower().split()
            return [
                u
                for u in self.users.values()
                if words and all(w in json.dumps(u).lower() for w in words)
            ]
        return [u for u in self.users.values() if any(u.get(f) == v for f, v in wanted)]

    def _create_user(self, body: dict[str, Any]) -> dict[str, Any]:
        if not any(
            body.get(k) for k in ("firstname", "lastname", "email", "phone", "mobile", "login")
        ):
            # Zammad's User model refuses a user without any identifier.
            raise ZammadError(
                422,
                "At least one identifier (firstname, lastname, phone, mobile or email) for user"
                " is required.",
            )
        user_id = self._take("user")
        now = _stamp(self.now())
        user = {"id": user_id, "phone": "", "mobile": "", "login": "", "email": ""}
        user |= {k: v for k, v in body.items() if isinstance(v, str)}
        user |= {"role_ids": [3], "active": True, "created_at": now, "updated_at": now}
        self.users[user_id] = user
        return user

    # Tickets -------------------------------------------------------------------------------

    def _ticket(self, ticket_id: int) -> dict[str, Any]:
        if ticket_id not in self.tickets:
            raise ZammadError(404, f"Couldn't find Ticket with 'id'={ticket_id}")
        return self.tickets[ticket_id]

    def _lookup(self, listed: list[dict[str, Any]], what: str, name: Any) -> int:
        for item in listed:
            if item["name"] == name:
                return int(item["id"])
        raise ZammadError(422, f"No lookup value found for '{what}': {json.dumps(name)}")

    def _customer(self, body: dict[str, Any]) -> int:
        value = body.get("customer_id", body.get("customer"))
        if value in (None, ""):
            raise ZammadError(422, "Customer can't be blank")
        if isinstance(value, str) and value.startswith("guess:"):
            email = value[len("guess:") :]
            for user in self.users.values():
                if user.get("email") == email:
                    return int(user["id"])
            return int(self._create_user({"email": email, "login": email})["id"])
        if isinstance(value, str) and not value.isdigit():
            for user in self.users.values():
                if value in (user.get("email"), user.get("login")):
                    return int(user["id"])
            raise ZammadError(422, f"No lookup value found for 'customer': {json.dumps(value)}")
        if int(value) not in self.users:
            raise ZammadError(422, f"Couldn't find User with 'id'={value}")
        return int(value)

    def _create_ticket(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.refuse is not None:
            status, message = self.refuse
            raise ZammadError(status, message)
        title = body.get("title")
        if not title:
            raise ZammadError(422, "Title can't be blank")
        if len(title) > 250:  # tickets.title is a string(250)
            raise ZammadError(422, "Title is too long (maximum is 250 characters)")
        if not body.get("group") and not body.get("group_id"):
            raise ZammadError(422, "Group can't be blank")
        group_id = (
            self._lookup(self.groups, "group", body["group"])
            if body.get("group")
            else int(body["group_id"])
        )
        priority_id = (
            self._lookup(self.priorities, "priority", body["priority"])
            if body.get("priority")
            else 2
        )
        customer_id = self._customer(body)
        ticket_id = self._take("ticket")
        now = _stamp(self.now())
        ticket = {
            "id": ticket_id,
            "group_id": group_id,
            "priority_id": priority_id,
            "state_id": 1,
            "organization_id": None,
            "number": str(self._take("number")),
            "title": title,
            "owner_id": 1,
            "customer_id": customer_id,
            "close_at": None,
            "article_count": 0,
            "created_at": now,
            "updated_at": now,
            "article_ids": [],
        }
        self.tickets[ticket_id] = ticket
        if isinstance(body.get("article"), dict):
            self._article(ticket_id, body["article"], sender=body["article"].get("sender", "Agent"))
        return ticket

    def _update_ticket(self, ticket_id: int, body: dict[str, Any]) -> dict[str, Any]:
        ticket = self._ticket(ticket_id)
        if "title" in body:
            if not body["title"]:
                raise ZammadError(422, "Title can't be blank")
            ticket["title"] = body["title"]
        if body.get("priority"):
            ticket["priority_id"] = self._lookup(self.priorities, "priority", body["priority"])
        self._touch(ticket_id)
        return ticket

    def _create_article(self, body: dict[str, Any]) -> dict[str, Any]:
        ticket_id = int(body.get("ticket_id") or 0)
        self._ticket(ticket_id)
        article = self._article(ticket_id, body, sender=body.get("sender", "Agent"))
        self._touch(ticket_id)
        return article

    def _article(self, ticket_id: int, fields: dict[str, Any], sender: str) -> dict[str, Any]:
        ticket = self.tickets[ticket_id]
        if not fields.get("body"):
            raise ZammadError(422, "Need at least an 'body' for article")
        article_id = self._take("article")
        article = {
            "id": article_id,
            "ticket_id": ticket_id,
            "type": fields.get("type", "note"),
            "sender": sender,
            "subject": fields.get("subject"),
            "body": fields["body"],
            "content_type": fields.get("content_type", "text/html"),
            "internal": bool(fields.get("internal", False)),
            "created_at": _stamp(self.now()),
        }
        self.articles[article_id] = article
        ticket["article_ids"].insert(0, article_id)
        ticket["article_count"] += 1
        return article

    def _by_ticket(self, ticket_id: str) -> list[dict[str, Any]]:
        self._ticket(int(ticket_id))
        return self.articles_of(int(ticket_id))

    def _touch(self, ticket_id: int) -> None:
        self.tickets[ticket_id]["updated_at"] = _stamp(self.now())

    def _search_tickets(self, params: dict[str, str]) -> dict[str, Any]:
        query, limit = params.get("query", ""), int(params.get("limit", 10))
        found = list(self.tickets.values())
        for phrase in re.findall(r'title:"([^"]*)"', query):
            found = [t for t in found if phrase in t["title"]]
        for stamp in re.findall(r'updated_at:\["([^"]+)" TO \*\]', query):
            since = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            found = [
                t
                for t in found
                if datetime.fromisoformat(t["updated_at"].replace("Z", "+00:00")) >= since
            ]
        for operator, stamp in re.findall(r"updated_at:(>=|>)(\S+)", query):
            since = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            found = [
                t
                for t in found
                if (at := datetime.fromisoformat(t["updated_at"].replace("Z", "+00:00"))) > since
                or (operator == ">=" and at == since)
            ]
        found = sorted(found, key=lambda t: t["updated_at"])[:limit]
        return {
            "tickets": [t["id"] for t in found],
            "tickets_count": len(found),
            "assets": {"Ticket": {str(t["id"]): t for t in found}},
        }

    def _add_tag(self, body: dict[str, Any]) -> bool:
        if body.get("object") != "Ticket" or not body.get("item"):
            raise ZammadError(422, "Need object and item")
        ticket_id = int(body.get("o_id") or 0)
        self._ticket(ticket_id)
        tags = self.tags.setdefault(ticket_id, [])
        if body["item"] not in tags:
            tags.append(body["item"])
        return True

    # CTI -----------------------------------------------------------------------------------

    def _cti(self, token: str, event: dict[str, Any]) -> tuple[int, Any]:
        if not secrets.compare_digest(token.encode(), self.cti_token.encode()):
            return 401, {"error": "Invalid token, please contact your admin!"}
        if event.get("event") not in CTI_EVENTS or not event.get("callId"):
            return 422, {"error": "Invalid event"}
        self.cti.append(dict(event))
        return 200, {}

    def _take(self, what: str) -> int:
        value = self._next[what]
        self._next[what] += 1
        return value


@contextmanager
def fake_zammad(**kwargs: Any) -> Iterator[FakeZammad]:
    with FakeZammad(**kwargs) as fake:
        yield fake
