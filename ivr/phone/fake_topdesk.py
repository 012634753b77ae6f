"""A local fake of the part of TOPdesk's REST API the line uses (issue 28), for tests.

Written from TOPdesk's own documentation:

- authentication: HTTP Basic with an operator's login name and an application password, 401
  otherwise (https://developers.topdesk.com/tutorial.html, "Authentication");
- incidents: https://developers.topdesk.com/explorer/?page=incident — `POST /tas/api/incidents`
  answers 201 with the incident (`id`, `number`, `externalNumber`, `briefDescription`,
  `caller`, `callType`, `entryType`, `impact`, `urgency`, `priority`, `processingStatus`,
  `completed`, `completedDate`, `closed`, `closedDate`, `creationDate`, `modificationDate`);
  `briefDescription` is at most 80 characters and `externalNumber` at most 60; an entry of a list
  (`entryType`, `callType`, `impact`, `urgency`, `priority`) is given by `id` or `name` and must
  exist; a caller is `callerLookup: {id}` of a person, or `caller` with `dynamicName` (and
  `branch` where the installation requires it); the lists are `GET
  /tas/api/incidents/{entry_types,call_types,impacts,urgencies,priorities}` as `[{"id", "name"}]`;
  an incident's actions are `GET /tas/api/incidents/id/{id}/actions` (`id`, `memoText`,
  `invisibleForCaller`, `entryDate`, `operator`, `person`), its attachments `GET` and `POST
  /tas/api/incidents/id/{id}/attachments` (multipart, the part named `file`);
- persons and branches: https://developers.topdesk.com/explorer/?page=supporting-files
  (`GET /tas/api/persons`, `GET /tas/api/branches`, both with `query`);
- lists: `pageSize` and `pageStart`; 200 with a JSON list, 206 Partial Content when more
  follow, 204 No Content when nothing matches; `query` is FIQL
  (https://developers.topdesk.com/tutorial.html#query): `field==value`, `=ge=`, `=gt=`, `;` and,
  `,` or, values quoted with `'` or `"`;
- errors: a JSON list of `{"message": ...}` with 400 (a wrong request), 401, 404, 5xx.

Values the documentation leaves to the installation are a fresh Dutch installation's: the list
names in `LISTS`, the processing statuses "Aangemeld" and "Afgemeld", numbers as "I 2611 001"
(TOPdesk numbers incidents by year and month, e.g. "I2510 017" in public examples).

Every request is recorded (`requests`). Faults, for the outbox's exactly-once tests:
`lose_replies` (the incident is made, then the connection closes without an answer),
`failing` (answer everything with this status, e.g. 503), `slow` (seconds to wait after writing,
before answering), `refusing` (answer the next POST with this 4xx and message) and
`refusing_attachments` (every upload, e.g. 400 for a file larger than the installation allows).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ivr.phone.loopback import Answer, LoopbackRequest, LoopbackServer, basic_auth_is

BRIEF_MAX = 80
EXTERNAL_NUMBER_MAX = 60
# A fresh installation's lists (the Dutch defaults); tests may change them.
LISTS = {
    "entry_types": ("Telefonisch", "E-mail", "Selfservicedesk"),
    "call_types": ("Storing", "Vraag", "Verzoek", "Klacht"),
    "impacts": ("Organisatie", "Afdeling", "Persoon", "Geen"),
    "urgencies": ("Werk ligt stil", "Werk gehinderd", "Kan verder", "Geen haast"),
    "priorities": ("P1", "P2", "P3", "P4"),
}
LIST_FIELDS = {
    "entryType": "entry_types",
    "callType": "call_types",
    "impact": "impacts",
    "urgency": "urgencies",
    "priority": "priorities",
}
INCIDENT_FIELDS = {
    "briefDescription",
    "request",
    "action",
    "actionInvisibleForCaller",
    "externalNumber",
    "caller",
    "callerLookup",
    "status",
    *LIST_FIELDS,
}
CALLER_FIELDS = {"dynamicName", "phoneNumber", "mobileNumber", "email", "branch", "department"}


class Problem(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    body: bytes
    authorised: bool


@dataclass
class Attachment:
    id: str
    file_name: str
    content: bytes
    content_type: str
    description: str
    invisible_for_caller: bool


@dataclass
class FakeIncident:
    resource: dict[str, Any]
    actions: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


def _stamp(moment: datetime) -> str:
    """TOPdesk's time format, e.g. 2021-02-11T06:32:36.303+0000."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}+0000"
    )


class FakeTopdesk(LoopbackServer):
    """TOPdesk's REST API on a loopback port; use as a context manager."""

    def __init__(
        self,
        username: str = "ivr-line",
        password: str = "app-password-1234",  # noqa: S107 (a fake's own)
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.username, self.password = username, password
        self.now = now or (lambda: datetime.now(UTC))
        self.lists = {
            name: [{"id": str(uuid.uuid4()), "name": n} for n in names]
            for name, names in LISTS.items()
        }
        self.branches = [{"id": str(uuid.uuid4()), "name": "Hoofdkantoor"}]
        self.persons: list[dict[str, Any]] = []
        self.incidents: dict[str, FakeIncident] = {}
        self.requests: list[Received] = []
        self.require_branch = False  # an unregistered caller needs `caller.branch`
        self.lose_replies = 0  # this many incidents are made and their answer lost
        self.failing: int | None = None  # answer everything with this status (an outage)
        self.slow = 0.0  # seconds between writing and answering
        self.refusing: tuple[int, str] | None = None  # the next POST is refused so
        self.refusing_attachments: tuple[int, str] | None = None  # every upload refused so

    @property
    def url(self) -> str:
        return self.base_url

    # What a test sets up or looks at --------------------------------------------------------

    def add_person(self, name: str, phone: str = "", mobile: str = "") -> str:
        person = {
            "id": str(uuid.uuid4()),
            "dynamicName": name,
            "phoneNumber": phone,
            "mobileNumber": mobile,
        }
        self.persons.append(person)
        return person["id"]

    def list_id(self, kind: str, name: str) -> str:
        return next(e["id"] for e in self.lists[kind] if e["name"] == name)

    def made(self) -> list[dict[str, Any]]:
        return [i.resource for i in self.incidents.values()]

    def by_reference(self, reference: str) -> FakeIncident:
        (found,) = [i for i in self.incidents.values() if i.resource["externalNumber"] == reference]
        return found

    def add_action(self, incident_id: str, memo: str, *, invisible_for_caller: bool) -> None:
        """An operator writes an action (the progress trail); visible to the caller or not."""
        with self.lock:
            incident = self.incidents[incident_id]
            incident.actions.append(
                {
                    "id": str(uuid.uuid4()),
                    "memoText": memo,
                    "flag": 0,
                    "invisibleForCaller": invisible_for_caller,
                    "entryDate": _stamp(self.now()),
                    "operator": {"id": str(uuid.uuid4()), "name": "Jansen, Eva"},
                    "person": None,
                }
            )
            incident.resource["modificationDate"] = _stamp(self.now())

    def complete(self, incident_id: str) -> None:
        """An operator completes the incident (Afgemeld)."""
        with self.lock:
            resource = self.incidents[incident_id].resource
            now = _stamp(self.now())
            resource |= {"completed": True, "completedDate": now, "modificationDate": now}
            resource["processingStatus"] = {"id": str(uuid.uuid4()), "name": "Afgemeld"}

    # The API -------------------------------------------------------------------------------

    def respond(self, request: LoopbackRequest) -> Answer:
        try:
            status, payload = self.handle(
                request.method, request.target, request.headers, request.body
            )
        except Problem as exc:
            return exc.status, [{"message": exc.message}]
        if request.method == "POST" and status < 300 and request.target.endswith("/incidents"):
            self.written()
            with self.lock:
                lose = self.lose_replies > 0
                self.lose_replies -= 1 if lose else 0
            if lose:  # written, and the answer never reaches the line
                return None
        return status, payload

    def handle(self, method: str, target: str, headers: Any, body: bytes) -> tuple[int, Any]:
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        authorised = self._authorised(headers.get("Authorization", ""))
        with self.lock:
            self.requests.append(Received(method, parts.path, query, body, authorised))
        if not authorised:
            raise Problem(401, "Authentication failed: wrong login name or application password")
        if self.failing:
            raise Problem(self.failing, "The service is temporarily unavailable")
        path = parts.path.removeprefix("/tas/api")
        if method == "POST" and self.refusing:
            status, message = self.refusing
            self.refusing = None
            raise Problem(status, message)
        return self._route(method, path, headers, body, query)

    def _route(
        self, method: str, path: str, headers: Any, body: bytes, query: dict[str, str]
    ) -> tuple[int, Any]:
        listed = {
            "/branches": self.branches,
            "/persons": self.persons,
            "/incidents": self.made(),
            **{f"/incidents/{name}": entries for name, entries in self.lists.items()},
        }
        if method == "GET" and path in listed:
            if path.count("/") == 2:  # a list of the installation: all of it, plainly
                return 200, listed[path]
            return self._page(listed[path], query)
        if method == "POST" and path == "/incidents":
            return 201, self._create(body)
        found = re.fullmatch(r"/incidents/id/([^/]+)/(actions|attachments)", path)
        if not found or found[1] not in self.incidents:
            raise Problem(404, f"No resource at /tas/api{path}")
        incident = self.incidents[found[1]]
        if method == "POST" and found[2] == "attachments":
            if self.refusing_attachments:
                raise Problem(*self.refusing_attachments)
            return 200, self._attach(incident, headers, body, query)
        if found[2] == "actions":
            return self._page(incident.actions, query)
        return self._page([_attachment(a) for a in incident.attachments], query)

    def _authorised(self, header: str) -> bool:
        return basic_auth_is(header, self.username, self.password)

    def _page(self, items: list[dict[str, Any]], query: dict[str, str]) -> tuple[int, Any]:
        matching = [i for i in items if _matches(i, query.get("query", ""))]
        if query.get("sort", "").startswith("modificationDate"):
            matching.sort(key=lambda i: i.get("modificationDate") or "")
        start, size = int(query.get("pageStart", 0)), int(query.get("pageSize", 10))
        page = matching[start : start + size]
        if not page:
            return 204, None
        return (206 if start + size < len(matching) else 200), page

    def _create(self, body: bytes) -> dict[str, Any]:
        try:
            sent = json.loads(body)
        except ValueError:
            raise Problem(400, "The request body is not valid JSON") from None
        unknown = set(sent) - INCIDENT_FIELDS
        if unknown:
            raise Problem(400, f"Unknown field(s): {', '.join(sorted(unknown))}")
        brief = sent.get("briefDescription") or ""
        if len(brief) > BRIEF_MAX:
            raise Problem(400, f"briefDescription is longer than {BRIEF_MAX} characters")
        if len(sent.get("externalNumber") or "") > EXTERNAL_NUMBER_MAX:
            raise Problem(400, f"externalNumber is longer than {EXTERNAL_NUMBER_MAX} characters")
        resource: dict[str, Any] = {"caller": self._caller(sent)}
        for name, kind in LIST_FIELDS.items():
            resource[name] = self._entry(name, kind, sent.get(name))
        with self.lock:
            now = self.now()
            incident_id = str(uuid.uuid4())
            number = f"I {now:%y%m} {len(self.incidents) + 1:03d}"
            resource |= {
                "id": incident_id,
                "number": number,
                "status": sent.get("status") or "firstLine",
                "briefDescription": brief,
                "request": sent.get("request"),
                "externalNumber": sent.get("externalNumber") or "",
                "processingStatus": {"id": str(uuid.uuid4()), "name": "Aangemeld"},
                "completed": False,
                "completedDate": None,
                "closed": False,
                "closedDate": None,
                "callDate": _stamp(now),
                "creationDate": _stamp(now),
                "modificationDate": _stamp(now),
            }
            self.incidents[incident_id] = FakeIncident(resource)
        return resource

    def _caller(self, sent: dict[str, Any]) -> dict[str, Any]:
        lookup = sent.get("callerLookup")
        if lookup is not None:
            person = next((p for p in self.persons if p["id"] == lookup.get("id")), None)
            if person is None:
                raise Problem(400, "callerLookup: no person with this id")
            return {"id": person["id"], "dynamicName": person["dynamicName"]}
        caller = sent.get("caller")
        if not isinstance(caller, dict) or not caller.get("dynamicName"):
            raise Problem(400, "Either callerLookup or caller.dynamicName is required")
        unknown = set(caller) - CALLER_FIELDS
        if unknown:
            raise Problem(400, f"Unknown caller field(s): {', '.join(sorted(unknown))}")
        branch = (caller.get("branch") or {}).get("id")
        if branch and not any(b["id"] == branch for b in self.branches):
            raise Problem(400, "caller.branch: no branch with this id")
        if self.require_branch and not branch:
            raise Problem(400, "caller.branch is required for an unregistered caller")
        return {"id": None, **caller}

    def _entry(self, name: str, kind: str, given: Any) -> dict[str, str] | None:
        if given is None:
            return None
        for entry in self.lists[kind]:
            if given.get("id") == entry["id"] or given.get("name") == entry["name"]:
                return dict(entry)
        raise Problem(400, f"{name}: no {kind.replace('_', ' ')} {given.get('id') or given}")

    def _attach(
        self, incident: FakeIncident, headers: Any, body: bytes, query: dict[str, str]
    ) -> dict[str, Any]:
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {headers.get('Content-Type', '')}\r\n\r\n".encode() + body
        )
        parts = [
            p
            for p in (message.iter_parts() if message.is_multipart() else ())
            if p.get_param("name", header="content-disposition") == "file"
        ]
        if not parts:
            raise Problem(400, "A multipart part named 'file' is required")
        part = parts[0]
        attachment = Attachment(
            id=str(uuid.uuid4()),
            file_name=part.get_filename() or "file",
            content=part.get_payload(decode=True) or b"",
            content_type=part.get_content_type(),
            description=query.get("description", ""),
            invisible_for_caller=query.get("invisibleForCaller") == "true",
        )
        with self.lock:
            incident.attachments.append(attachment)
        return _attachment(attachment)

    def written(self) -> None:
        """After a write: the slow or lost answer the faults ask for."""
        if self.slow:
            time.sleep(self.slow)


def _attachment(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.id,
        "fileName": a.file_name,
        "size": len(a.content),
        "description": a.description,
        "invisibleForCaller": a.invisible_for_caller,
    }


def _value(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return re.sub(r"\\(.)", r"\1", raw[1:-1])
    return raw


def _field(item: dict[str, Any], name: str) -> Any:
    value: Any = item
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _condition(item: dict[str, Any], condition: str) -> bool:
    found = re.fullmatch(r"([A-Za-z.]+)(==|!=|=ge=|=gt=|=le=|=lt=)(.*)", condition.strip())
    if not found:
        raise Problem(400, f"Invalid query: {condition}")
    name, op, raw = found.groups()
    have, want = _field(item, name), _value(raw)
    if op in ("==", "!="):
        equal = (have is None and want == "null") or (have is not None and str(have) == want)
        return equal if op == "==" else not equal
    if have is None:
        return False
    left = datetime.fromisoformat(str(have))
    right = datetime.fromisoformat(want.replace("Z", "+00:00"))
    return {"=ge=": left >= right, "=gt=": left > right, "=le=": left <= right}.get(
        op, left < right
    )


def _split(text: str, sep: str) -> list[str]:
    """Split a FIQL query on `sep` outside quotes."""
    parts, current, quote = [], "", ""
    for char in text:
        if quote:
            quote = "" if char == quote and not current.endswith("\\") else quote
        elif char in "'\"":
            quote = char
        elif char == sep:
            parts.append(current)
            current = ""
            continue
        current += char
    return [*parts, current]


def _matches(item: dict[str, Any], query: str) -> bool:
    if not query:
        return True
    return all(any(_condition(item, c) for c in _split(group, ",")) for group in _split(query, ";"))
