"""Issue 12's console pages in Dutch and German: an incident's status reports and history (update,
appointment, moved deadline), the known disruptions, and the messages after each form."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ivr.clock import FixedClock
from tests.conftest import local
from tests.console.conftest import post_form

NL_TEXT = "De telefooncentrale in Utrecht is uitgevallen"
DE_TEXT = "Die Telefonanlage in Utrecht ist ausgefallen"

# The user's language, then the texts of each page in it.
SAID = {
    "nl": {
        "category_4": ["Statusrapportages", "Volgende rapportage uiterlijk",
                       "op afspraak: maak er hieronder een", "Afgesproken tijdstip",
                       "Statusupdate, in het Nederlands (de taal van de beller; wordt naar de "
                       "beller gestuurd)", "Update opslaan en versturen", "Geschiedenis",
                       "Nog niets."],
        "wrong_appointment_time": "De afspraak moet in de toekomst liggen.",
        "after": ["Afspraak opgeslagen.", "Afspraak gemaakt door anouk",
                  "Hersteltermijn gewijzigd door anouk", "Statusupdate door anouk",
                  "Statusupdate opgeslagen.", "In behandeling genomen door anouk"],
        "no_reason": "Geef aan waarom de termijn verandert.",
        "too_long": "Een update is hoogstens 480 tekens lang.",
        "list": ["Bekende storingen", "Storing melden", "Wat Nederlandstalige bellers horen",
                 "Hoe ernstig is het", "Geen storingen gemeld.", "Melden en aankondigen"],
        "no_incident": "Er is geen incident 9999 9999.",
        "declared": ["Storing gemeld: elke beller hoort hem nu.", "Bekende storing actief",
                     "Wat bellers horen", "bepaalde functies werken niet",
                     "Getroffen bellers: 0", "volgens de matrix", "Nog niemand heeft 1 gedrukt.",
                     "Storing beëindigen en getroffen bellers een sms sturen"],
        "ended": ["Storing beëindigd; 0 sms'jes klaargezet voor de getroffen bellers.",
                  "Bekende storing beëindigd", "door anouk"],
        "again": "Deze storing is al beëindigd.",
    },
    "de": {
        "category_4": ["Statusberichte", "Nächster Bericht fällig",
                       "nach Vereinbarung: unten einen Termin festlegen", "Vereinbarter Termin",
                       "Statusmeldung, auf Niederländisch (die Sprache des Anrufers; wird an den "
                       "Anrufer gesendet)", "Statusmeldung speichern und senden", "Verlauf"],
        "wrong_appointment_time": "Der Termin muss in der Zukunft liegen.",
        "after": ["Termin gespeichert.", "Termin vereinbart von anouk",
                  "Frist für die Wiederherstellung geändert von anouk",
                  "Statusmeldung von anouk", "Statusmeldung gespeichert.",
                  "Angenommen von anouk"],
        "no_reason": "Geben Sie an, warum sich die Frist ändert.",
        "too_long": "Eine Statusmeldung hat höchstens 480 Zeichen.",
        "list": ["Bekannte Störungen", "Störung melden",
                 "Was niederländischsprachige Anrufer hören", "Wie schwer ist es",
                 "Keine Störungen gemeldet.", "Melden und ansagen"],
        "no_incident": "Es gibt keine Störung 9999 9999.",
        "declared": ["Störung gemeldet: jeder Anrufer hört sie jetzt.", "Bekannte Störung aktiv",
                     "Was Anrufer hören", "bestimmte Funktionen gehen nicht",
                     "Betroffene Anrufer: 0", "laut Matrix", "Noch niemand hat die 1 gedrückt.",
                     "Störung beenden und betroffenen Anrufern eine SMS senden"],
        "ended": ["Störung beendet; 0 SMS an betroffene Anrufer in der Warteschlange.",
                  "Bekannte Störung beendet", "von anouk"],
        "again": "Diese Störung ist bereits beendet.",
    },
}  # fmt: skip
ENGLISH = re.compile(
    r"Status reports|Next report due|Known disruption|What callers hear|Affected callers|"
    r"Nobody has pressed|from the matrix|Declare a disruption|End the disruption"
)


def text_of(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    page = page.replace("&#39;", "'").replace("&#34;", '"').replace("&quot;", '"')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def sees(client: FlaskClient, path: str, texts: list[str]) -> str:
    shown = text_of(client, path)
    missing = [t for t in texts if t not in shown]
    assert not missing, (missing, shown)
    assert not ENGLISH.search(shown), ENGLISH.search(shown)
    return shown


@pytest.mark.parametrize("language", ["nl", "de"])
def test_status_reports_and_history_in_the_users_language(
    staff: FlaskClient, report, clock: FixedClock, language: str
) -> None:
    said = SAID[language]
    post_form(staff, "/console/", "/console/language", language=language)
    reference = report(local(2026, 11, 28, 22, 0), "1133")  # Dutch caller, category 4
    page = f"/console/incidents/{reference}"
    clock.set(local(2026, 11, 30, 9, 0))
    sees(staff, page, said["category_4"])
    reply = post_form(staff, page, f"{page}/appointment", when="2026-11-27T14:00")
    sees(staff, reply.location, [said["wrong_appointment_time"]])
    reply = post_form(staff, page, f"{page}/appointment", when="2026-12-02T14:00")
    sees(staff, reply.location, [said["after"][0]])
    reply = post_form(staff, page, f"{page}/restore-due", when="2026-12-02T16:00", reason=" ")
    sees(staff, reply.location, [said["no_reason"]])
    post_form(staff, page, f"{page}/restore-due", when="2026-12-02T16:00", reason="Monteur")
    reply = post_form(staff, page, f"{page}/updates", text="x" * 481)
    sees(staff, reply.location, [said["too_long"]])
    reply = post_form(staff, page, f"{page}/updates", text="We komen woensdag langs.")
    sees(staff, reply.location, [said["after"][4]])
    post_form(staff, page, f"{page}/acknowledge")
    shown = sees(staff, page, [t for n, t in enumerate(said["after"]) if n not in (0, 4)])
    assert "We komen woensdag langs." in shown and "Monteur" in shown


@pytest.mark.parametrize("language", ["nl", "de"])
def test_known_disruptions_in_the_users_language(
    app: Flask, staff: FlaskClient, clock: FixedClock, language: str
) -> None:
    said = SAID[language]
    clock.set(local(2026, 11, 24, 10, 0))
    post_form(staff, "/console/", "/console/language", language=language)
    sees(staff, "/console/disruptions", said["list"])
    refused = post_form(
        staff, "/console/disruptions", "/console/disruptions",
        text_nl=NL_TEXT, text_de=DE_TEXT, severity="functions_fail", incident="9999 9999",
    )  # fmt: skip
    assert refused.status_code == 422
    assert said["no_incident"] in refused.get_data(as_text=True)
    declared = post_form(
        staff, "/console/disruptions", "/console/disruptions",
        text_nl=NL_TEXT, text_de=DE_TEXT, severity="functions_fail",
    )  # fmt: skip
    page = declared.location
    sees(staff, page, said["declared"])
    ended = post_form(staff, page, f"{page}/end")
    sees(staff, ended.location, said["ended"])
    again = post_form(staff, page, f"{page}/end")
    sees(staff, again.location, [said["again"]])
