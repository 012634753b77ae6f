"""TOPdesk's REST API, the one place the line talks to it (issue 28): incidents in, progress out.

Every request is Basic-authenticated with an operator's login name and an application password
(https://developers.topdesk.com/tutorial.html: "Create an application password"; the operator
needs the permission group with API access → REST API and → Use application passwords). Paths
and fields are those of TOPdesk's incident API (https://developers.topdesk.com/explorer/?page=incident):

- `GET /tas/api/incidents/{entry_types,call_types,impacts,urgencies,priorities}`: the lists of
  an installation, `[{"id", "name"}]`, read by `setup()` to map the settings' names to ids;
- `GET /tas/api/branches?query=name==...` (the supporting-files API,
  https://developers.topdesk.com/explorer/?page=supporting-files#/Branches/retrieveBranches);
- `GET /tas/api/persons?query=phoneNumber==...,mobileNumber==...` (same page, Persons);
- `POST /tas/api/incidents` (201 with the incident: `id`, `number`, ...), `GET
  /tas/api/incidents?query=externalNumber==...` (FIQL, https://developers.topdesk.com/tutorial.html#query);
- `GET/POST /tas/api/incidents/id/{id}/attachments` (multipart, the part named `file`);
- `GET /tas/api/incidents/id/{id}/actions`: the progress trail's actions with
  `invisibleForCaller`, `memoText` and `entryDate`.

A list answers 200, 206 (Partial Content: more pages) or 204 (No Content: nothing found).
Errors are 4xx/5xx with a JSON list of `{"message": ...}`. A 4xx other than 408 and 429 is a
refusal (kept as failed, shown); 5xx, 408, 429, a timeout or a lost connection are tried again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from ivr.connectors import topdesk_mapping as mapping
from ivr.connectors.base import ConnectorSetupError, Delivery, Outcome, Progress, Result

log = logging.getLogger(__name__)

PAGE = 100
MOST_PAGES = 20  # a progress read covers at most this many pages of changed incidents
# The lists `setup()` reads: the setting that names entries of it, TOPdesk's path, the field.
LISTS = (
    ("TOPDESK_ENTRY_TYPE", "entry_types", "entryType"),
    ("TOPDESK_CALL_TYPES", "call_types", "callType"),
    ("TOPDESK_IMPACT_NAMES", "impacts", "impact"),
    ("TOPDESK_URGENCY_NAMES", "urgencies", "urgency"),
    ("TOPDESK_PRIORITY_NAMES", "priorities", "priority"),
)

Fetch = Callable[[str], tuple[bytes, str]]


@dataclass(frozen=True)
class TopdeskSettings:
    url: str
    username: str
    password: str = field(repr=False)
    timeout: float = 5.0
    entry_type: str = ""
    call_types: tuple[str, ...] = ()  # disruption, question, standard change
    impacts: tuple[str, ...] = ()  # categories 1 to 4
    urgencies: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    caller_branch: str = ""  # the branch of an unregistered caller
    attach_recording: bool = False
    tz: tzinfo = UTC

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> TopdeskSettings:
        return cls(
            url=config["TOPDESK_URL"].rstrip("/"),
            username=config["TOPDESK_USERNAME"],
            password=config["TOPDESK_APP_PASSWORD"],
            timeout=config["HTTP_TIMEOUT_SECONDS"],
            entry_type=config["TOPDESK_ENTRY_TYPE"],
            call_types=tuple(config["TOPDESK_CALL_TYPES"]),
            impacts=tuple(config["TOPDESK_IMPACT_NAMES"]),
            urgencies=tuple(config["TOPDESK_URGENCY_NAMES"]),
            priorities=tuple(config["TOPDESK_PRIORITY_NAMES"]),
            caller_branch=config["TOPDESK_CALLER_BRANCH"],
            attach_recording=config["TOPDESK_ATTACH_RECORDING"],
            tz=ZoneInfo(config["IVR_TIMEZONE"]),
        )

    def names(self, setting: str) -> tuple[str, ...]:
        return {
            "TOPDESK_ENTRY_TYPE": (self.entry_type,),
            "TOPDESK_CALL_TYPES": self.call_types,
            "TOPDESK_IMPACT_NAMES": self.impacts,
            "TOPDESK_URGENCY_NAMES": self.urgencies,
            "TOPDESK_PRIORITY_NAMES": self.priorities,
        }[setting]


class _Unavailable(Exception):
    """Not now: down, slow, 5xx, 408, 429, a lost reply."""


class _Refused(Exception):
    """TOPdesk said the request is wrong (4xx)."""


class TopdeskConnector:
    name = "topdesk"

    def __init__(self, settings: TopdeskSettings, fetch_recording: Fetch | None = None) -> None:
        self.settings = settings
        self.fetch_recording = fetch_recording
        self._ids: dict[str, dict[str, str]] = {}  # TOPdesk list path -> name -> id
        self._branch: str | None = None
        self._checked = False

    # Setup ------------------------------------------------------------------------------------

    def setup(self) -> None:
        """Read TOPdesk's lists and map the settings' names to ids. A name TOPdesk does not know,
        or credentials it refuses, raise ConnectorSetupError naming the setting; TOPdesk out of
        reach leaves the check to the first delivery."""
        s = self.settings
        for name, value in (
            ("TOPDESK_URL", s.url),
            ("TOPDESK_USERNAME", s.username),
            ("TOPDESK_APP_PASSWORD", s.password),
        ):
            if not value:
                raise ConnectorSetupError(f"TICKET_SYSTEM=topdesk needs {name}")
        try:
            self._read_lists()
        except _Refused as exc:
            raise ConnectorSetupError(f"TOPdesk refused TOPDESK_USERNAME's access: {exc}") from exc
        except _Unavailable as exc:
            log.warning("TOPdesk not reachable at start (%s): checked at the first delivery", exc)
            return
        self._checked = True

    def _read_lists(self) -> None:
        for setting, path, _field in LISTS:
            wanted = [n for n in self.settings.names(setting) if n]
            if not wanted:
                continue
            listed = {str(e.get("name")): str(e.get("id")) for e in self._list(f"incidents/{path}")}
            for name in wanted:
                if name not in listed:
                    known = ", ".join(sorted(listed)) or "none"
                    raise ConnectorSetupError(
                        f"{setting}: TOPdesk has no {path.replace('_', ' ')} named {name!r} "
                        f"(it has: {known})"
                    )
            self._ids[path] = listed
        if self.settings.caller_branch:
            found = self._list(
                "branches", query=f"name=={mapping.fiql_quoted(self.settings.caller_branch)}"
            )
            if not found:
                raise ConnectorSetupError(
                    f"TOPDESK_CALLER_BRANCH: TOPdesk has no branch named "
                    f"{self.settings.caller_branch!r}"
                )
            self._branch = str(found[0]["id"])

    # Delivery ---------------------------------------------------------------------------------

    def deliver(self, delivery: Delivery) -> Outcome:
        try:
            if not self._checked:
                self._read_lists()
                self._checked = True
            return self._deliver(delivery)
        except ConnectorSetupError as exc:
            return Outcome(Result.RETRY, message=str(exc))
        except _Refused as exc:
            return Outcome(Result.REFUSED, message=str(exc))
        except _Unavailable as exc:
            return Outcome(Result.RETRY, message=str(exc))

    def _deliver(self, delivery: Delivery) -> Outcome:
        record = delivery.incident
        reference = str(record["reference"])
        found = None
        if delivery.maybe_written or delivery.external_id:
            found = self._find(reference)
        made = found is None
        attach = bool(
            self.settings.attach_recording and self.fetch_recording and record.get("recording_url")
        )
        if found is None:
            found = self._request(
                "POST", "/tas/api/incidents", json=self._body(record, attach)
            ).json()
        number = found.get("number") or found["id"]
        said = f"TOPdesk incident {number}" + ("" if made else " (found: made by an earlier try)")
        if attach:
            try:
                self._attach(str(found["id"]), record, check_first=not made)
            except _Refused as exc:  # the incident exists: a refused attachment must not undo it
                said += f"; recording not attached: {exc}"
        return Outcome(Result.DELIVERED, external_id=str(found["id"]), message=said)

    def _find(self, reference: str) -> dict[str, Any] | None:
        found = self._list(
            "incidents", query=f"externalNumber=={mapping.fiql_quoted(reference)}", size=2
        )
        return found[0] if found else None

    def _body(self, record: Mapping[str, Any], attach: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "briefDescription": mapping.brief_description(record),
            "request": mapping.request_text(record, self.settings.tz, recording_attached=attach),
            "externalNumber": str(record["reference"]),
        }
        body.update(self._caller(record))
        category = record.get("category")
        places = {
            "entry_types": 0,
            "call_types": mapping.KIND_PLACE.get(str(record.get("kind"))),
            "impacts": category - 1 if category else None,
            "urgencies": category - 1 if category else None,
            "priorities": category - 1 if category else None,
        }
        for setting, path, field_name in LISTS:
            name = mapping.by_name(self.settings.names(setting), places[path])
            if name and path in self._ids:
                body[field_name] = {"id": self._ids[path][name]}
        return body

    def _caller(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """The registered person with the caller's number (`callerLookup`), else an unregistered
        caller with the number (`caller.dynamicName`, `caller.phoneNumber`)."""
        number = str(record.get("callback_number") or record.get("caller_number") or "")
        if number.startswith("+"):
            try:
                persons = self._list("persons", query=mapping.persons_query(number), size=2)
            except _Refused as exc:  # an older TOPdesk without FIQL on persons: unregistered
                log.info("TOPdesk's persons could not be searched (%s)", str(exc).split(":")[0])
                persons = []
            if persons:
                return {"callerLookup": {"id": str(persons[0]["id"])}}
        caller: dict[str, Any] = {"dynamicName": mapping.words(record)["unknown_caller"]}
        if number:
            caller["phoneNumber"] = number
        if self._branch:
            caller["branch"] = {"id": self._branch}
        return {"caller": caller}

    def _attach(self, incident_id: str, record: Mapping[str, Any], *, check_first: bool) -> None:
        filename = f"{record['reference']}.mp3"
        path = f"/tas/api/incidents/id/{incident_id}/attachments"
        if check_first and any(
            a.get("fileName") == filename for a in self._list(path.removeprefix("/tas/api/"))
        ):
            return
        assert self.fetch_recording is not None
        try:
            audio, media_type = self.fetch_recording(str(record["recording_url"]))
        except Exception as exc:  # Twilio out of reach: the incident waits for its recording
            raise _Unavailable(f"recording not fetched from Twilio: {exc}") from exc
        self._request(
            "POST",
            path,
            params={
                "invisibleForCaller": "true",
                "description": mapping.words(record)["recording"],
            },
            files={"file": (filename, audio, media_type)},
        )

    # Progress ---------------------------------------------------------------------------------

    def progress(self, since: datetime) -> Sequence[Progress]:
        """Actions visible to the caller written since `since`, and completions."""
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        items: list[Progress] = []
        for incident in self._list(
            "incidents",
            query=f"modificationDate=ge={stamp}",
            sort="modificationDate:asc",
            pages=MOST_PAGES,
        ):
            reference = str(incident.get("externalNumber") or "")
            if not reference.isdigit():
                continue  # not one the line made
            external_id = str(incident["id"])
            for action in self._list(f"incidents/id/{external_id}/actions"):
                at = _moment(action.get("entryDate"))
                if action.get("invisibleForCaller") is not False or at is None or at < since:
                    continue
                text = mapping.plain_memo(action.get("memoText"))
                if text:
                    items.append(Progress(reference, external_id, at, text=text))
            if incident.get("completed") or incident.get("closed"):
                done = _moment(
                    incident.get("completedDate")
                    or incident.get("closedDate")
                    or incident.get("modificationDate")
                )
                items.append(Progress(reference, external_id, done or since, resolved=True))
        return items

    # HTTP -------------------------------------------------------------------------------------

    def _list(
        self,
        path: str,
        *,
        query: str | None = None,
        sort: str | None = None,
        size: int = PAGE,
        pages: int = 1,
    ) -> list[dict[str, Any]]:
        """A list resource: every page up to `pages` (206 says there is more, 204 none)."""
        found: list[dict[str, Any]] = []
        for page in range(pages):
            params: dict[str, Any] = {"pageSize": size, "pageStart": page * size}
            if query:
                params["query"] = query
            if sort:
                params["sort"] = sort
            answer = self._request("GET", f"/tas/api/{path}", params=params)
            if answer.status_code == 204:
                break
            body = answer.json()
            found.extend(body if isinstance(body, list) else [])
            if answer.status_code != 206:
                break
        return found

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        import requests

        s = self.settings
        try:
            answer = requests.request(
                method,
                s.url + path,
                auth=(s.username, s.password),
                headers={"Accept": "application/json"},
                timeout=s.timeout,
                **kwargs,
            )
        except OSError as exc:  # requests' connection errors and timeouts are OSErrors
            raise _Unavailable(f"TOPdesk not reached: {type(exc).__name__}") from exc
        status = answer.status_code
        if status < 400:
            return answer
        said = mapping.error_message(status, answer.content)
        if status >= 500 or status in (408, 429):
            raise _Unavailable(said)
        raise _Refused(said)


def _moment(value: object) -> datetime | None:
    """TOPdesk's times, e.g. `2021-02-11T06:32:36.303+0000`."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
