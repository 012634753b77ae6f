"""What a line's incident becomes in TOPdesk, and what TOPdesk's answers mean for the line: pure
functions (no HTTP, no database) beside the adapter, ivr/connectors/topdesk.py.

The fields are those of TOPdesk's incident API, "Create an incident"
(https://developers.topdesk.com/explorer/?page=incident#/incident/createIncident):
`briefDescription` (at most 80 characters), `request` (a memo; the tags <b>, <i>, <em>,
<strong>, <u>, <br>, <h5>, <h6> are kept, anything else must be escaped), `externalNumber`,
`callerLookup` or `caller`, `entryType`, `callType`, `impact`, `urgency`, `priority`, each of the
last five by `{"id": ...}` or `{"name": ...}`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from ivr.domain.reference import group

BRIEF_MAX = 80  # briefDescription's length in TOPdesk's API
KIND_PLACE = {"incident": 0, "question": 1, "standard_change": 2}  # TOPDESK_CALL_TYPES' places

KINDS = {
    "nl": {"incident": "Storing", "question": "Vraag", "standard_change": "Standaardwijziging"},
    "de": {"incident": "Störung", "question": "Frage", "standard_change": "Standard-Change"},
}
WORDS = {
    "nl": {
        "category": "categorie",
        "reference": "Referentie van de lijn",
        "kind": "Soort",
        "language": "Taal",
        "impact": "Impact",
        "severity": "Ernst",
        "status": "Status bij de lijn",
        "callback": "Terugbelnummer",
        "caller": "Nummer van de beller",
        "out_of_hours": "Buiten kantooruren aangenomen",
        "received": "Ontvangen",
        "pickup": "Wordt opgepakt",
        "reaction_due": "Reactie uiterlijk",
        "restore_due": "Herstel uiterlijk",
        "report_due": "Volgende statusmelding uiterlijk",
        "appointment": "Afspraak",
        "change_due": "Wijziging klaar uiterlijk",
        "summary": "In de woorden van de beller",
        "confidence": "zekerheid spraakherkenning",
        "recording": "Opname",
        "recording_attached": "bijgevoegd",
        "recording_kept": "bij de lijn, in de console te beluisteren",
        "seconds": "s",
        "yes": "ja",
        "unknown_caller": "Onbekende beller (telefoon)",
    },
    "de": {
        "category": "Kategorie",
        "reference": "Referenz der Hotline",
        "kind": "Art",
        "language": "Sprache",
        "impact": "Auswirkung",
        "severity": "Schwere",
        "status": "Status bei der Hotline",
        "callback": "Rückrufnummer",
        "caller": "Nummer des Anrufers",
        "out_of_hours": "Außerhalb der Geschäftszeiten angenommen",
        "received": "Eingegangen",
        "pickup": "Wird bearbeitet ab",
        "reaction_due": "Reaktion spätestens",
        "restore_due": "Wiederherstellung spätestens",
        "report_due": "Nächste Statusmeldung spätestens",
        "appointment": "Termin",
        "change_due": "Change fertig spätestens",
        "summary": "In den Worten des Anrufers",
        "confidence": "Sicherheit der Spracherkennung",
        "recording": "Aufnahme",
        "recording_attached": "angehängt",
        "recording_kept": "bei der Hotline, in der Konsole abzuspielen",
        "seconds": "s",
        "yes": "ja",
        "unknown_caller": "Unbekannter Anrufer (Telefon)",
    },
}


def words(record: Mapping[str, Any]) -> Mapping[str, str]:
    return WORDS.get(str(record.get("language") or "nl"), WORDS["nl"])


def brief_description(record: Mapping[str, Any]) -> str:
    """Kind, category and the caller's words, in at most `BRIEF_MAX` characters."""
    lang = str(record.get("language") or "nl")
    kind = KINDS.get(lang, KINDS["nl"]).get(str(record.get("kind")), str(record.get("kind")))
    brief = kind
    if record.get("category"):
        brief += f", {words(record)['category']} {record['category']}"
    summary = " ".join(str(record.get("summary") or "").split())
    if summary:
        brief += f": {summary}"
    if len(brief) > BRIEF_MAX:
        brief = brief[: BRIEF_MAX - 1].rstrip() + "…"
    return brief


def request_text(record: Mapping[str, Any], tz: tzinfo, *, recording_attached: bool) -> str:
    """Everything the caller answered and every clock (in the desk's time), one line each."""
    w = words(record)

    def _when(value: object) -> str | None:
        if not value:
            return None
        return datetime.fromisoformat(str(value)).astimezone(tz).strftime("%Y-%m-%d %H:%M")

    lines: list[tuple[str, object]] = [
        (w["reference"], group(str(record["reference"]))),
        (w["kind"], record.get("kind")),
        (w["category"].capitalize(), record.get("category")),
        (w["impact"], record.get("impact")),
        (w["severity"], record.get("severity")),
        (w["language"], record.get("language")),
        (w["status"], record.get("status")),
        (w["callback"], record.get("callback_number")),
        (w["caller"], record.get("caller_number")),
        (w["out_of_hours"], w["yes"] if record.get("taken_out_of_hours") else None),
        (w["received"], _when(record.get("received_at"))),
        (w["pickup"], _when(record.get("pickup_at"))),
        (w["reaction_due"], _when(record.get("reaction_due"))),
        (w["restore_due"], _when(record.get("restore_due"))),
        (w["report_due"], _when(record.get("status_report_due"))),
        (w["appointment"], _when(record.get("appointment_at"))),
        (w["change_due"], _when(record.get("change_due"))),
    ]
    if record.get("summary"):
        confidence = record.get("summary_confidence")
        said = f"“{record['summary']}”"
        if confidence is not None:
            said += f" ({w['confidence']} {float(confidence):.0%})"
        lines.append((w["summary"], said))
    if record.get("recording_url"):
        seconds = record.get("recording_duration")
        where = w["recording_attached"] if recording_attached else w["recording_kept"]
        lines.append((w["recording"], f"{seconds} {w['seconds']}, {where}" if seconds else where))
    return "<br>".join(
        f"<b>{html.escape(label)}</b>: {html.escape(str(value))}"
        for label, value in lines
        if value not in (None, "")
    )


def number_variants(number: str) -> list[str]:
    """How a caller's E.164 number may be typed in TOPdesk's person cards: as is, and nationally
    (+31 20 ... as 020 ..., +49 30 ... as 030 ...)."""
    number = number.strip()
    variants = [number]
    for country in ("+31", "+49", "+32", "+43", "+41"):
        if number.startswith(country):
            variants.append("0" + number[len(country) :])
    return variants


def fiql_quoted(value: str) -> str:
    """A FIQL value in single quotes (TOPdesk's query syntax: a backslash escapes a quote)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def persons_query(number: str) -> str:
    """TOPdesk persons whose phone or mobile number is the caller's (FIQL, `,` is or)."""
    variants = [fiql_quoted(v) for v in number_variants(number)]
    return ",".join(f"{field}=={v}" for field in ("phoneNumber", "mobileNumber") for v in variants)


def by_name(names: tuple[str, ...], place: int | None) -> str | None:
    if place is None or place < 0 or place >= len(names):
        return None
    return names[place] or None


def error_message(status: int, body: bytes) -> str:
    """TOPdesk's own words from an error answer: a JSON list of `{"message": ...}` (or one such
    object), else the start of the body."""
    import json

    try:
        said = json.loads(body or b"null")
    except ValueError:
        said = None
    if isinstance(said, dict):
        said = [said]
    if isinstance(said, list):
        texts = [str(e.get("message")) for e in said if isinstance(e, dict) and e.get("message")]
        if texts:
            return f"TOPdesk {status}: " + "; ".join(texts)
    text = body.decode("utf-8", "replace").strip()[:300]
    return f"TOPdesk {status}" + (f": {text}" if text else "")


def plain_memo(memo: str | None) -> str:
    """A progress memo as the caller's text message takes it: tags dropped, entities read."""
    import re

    text = re.sub(r"<br\s*/?>", " ", memo or "", flags=re.IGNORECASE)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(html.unescape(text).split())
