"""The call flow as data: menus, the keys and words that answer them, and where each answer leads.

The webhooks dispatch through `next_step`, and `flask flow` draws the same table, so the diagram
cannot drift from what callers hear.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

REPEAT_KEY = "*"
SWITCH_LANGUAGE_KEY = "9"
MAX_ATTEMPTS = 3  # the first ask and two repeats; then the caller takes the safest path


class Step(StrEnum):
    INCOMING = "incoming"
    LANGUAGE = "language"
    ANNOUNCE = "announce"
    DISRUPTION = "disruption"
    STATUS = "status"  # key in a reference, hear how it stands
    STATUS_CHECK = "status_check"  # not the reporter's phone: the callback number's last four
    PURPOSE = "purpose"
    IMPACT = "impact"
    SEVERITY = "severity"
    SUMMARY = "summary"
    ROUTE = "route"
    QUEUE = "queue"
    QUEUE_CALLBACK = "queue_callback"
    INTAKE = "intake"
    CALLBACK = "callback"
    CALLBACK_NUMBER = "callback_number"
    CONFIRM = "confirm"
    END = "end"


@dataclass(frozen=True)
class Choice:
    key: str
    value: str
    words: dict[str, tuple[str, ...]]  # locale -> phrases a caller may say instead of the key


@dataclass(frozen=True)
class Menu:
    step: Step
    choices: tuple[Choice, ...]

    def hints(self, *locales: str) -> str:
        """The phrases to expect, for the recogniser; several locales where callers mix them."""
        phrases = (p for loc in locales for c in self.choices for p in c.words.get(loc, ()))
        return ", ".join(dict.fromkeys(phrases))


NUMBER_WORDS = {
    "nl": {"1": ("een", "één"), "2": ("twee",), "3": ("drie",), "4": ("vier",)},
    "de": {"1": ("eins",), "2": ("zwei",), "3": ("drei",), "4": ("vier",)},
}


def _choice(key: str, value: str, nl: tuple[str, ...], de: tuple[str, ...]) -> Choice:
    return Choice(
        key, value, {"nl": nl + NUMBER_WORDS["nl"][key], "de": de + NUMBER_WORDS["de"][key]}
    )


LANGUAGE_MENU = Menu(
    Step.LANGUAGE,
    (
        _choice(
            "1",
            "nl",
            ("nederlands", "dutch", "holländisch", "niederländisch"),
            ("niederländisch", "holländisch", "nederlands"),
        ),
        _choice(
            "2", "de", ("duits", "deutsch", "deutsche", "german"), ("deutsch", "deutsche", "duits")
        ),
    ),
)
PURPOSE_MENU = Menu(
    Step.PURPOSE,
    (
        _choice(
            "1",
            "incident",
            ("storing", "melding", "probleem", "incident", "verstoring"),
            ("störung", "stoerung", "problem", "meldung", "ausfall"),
        ),
        _choice("2", "question", ("vraag", "advies", "uitleg"), ("frage", "beratung", "auskunft")),
        _choice(
            "3",
            "standard_change",
            ("standaardwijziging", "standaard wijziging", "wijziging", "aanvraag"),
            ("standardänderung", "standard änderung", "änderung", "antrag"),
        ),
        _choice(
            "4",
            "status",
            ("stand van zaken", "status", "hoe staat het", "mijn melding"),
            ("stand", "status", "wie steht es", "meine meldung"),
        ),
    ),
)
IMPACT_MENU = Menu(
    Step.IMPACT,
    (
        _choice(
            "1",
            "all_users",
            ("iedereen", "alle gebruikers", "alle collega's", "alle"),
            ("alle", "alle benutzer", "jeder", "alle kollegen"),
        ),
        _choice(
            "2",
            "some_users",
            ("enkele", "enkele gebruikers", "meerdere", "sommige", "een paar"),
            ("einige", "mehrere", "einige benutzer", "ein paar"),
        ),
        _choice(
            "3",
            "one_user",
            ("alleen ik", "alleen mij", "ik", "ikzelf", "mijzelf"),
            ("nur ich", "ich", "nur mich", "mich"),
        ),
    ),
)
SEVERITY_MENU = Menu(
    Step.SEVERITY,
    (
        _choice(
            "1",
            "cannot_work",
            ("kan niet bellen", "niet bellen", "niet werken", "helemaal niet", "niets"),
            ("nicht telefonieren", "nicht arbeiten", "gar nicht", "nichts"),
        ),
        _choice(
            "2",
            "functions_fail",
            ("functies", "bepaalde functies", "sommige functies", "functie"),
            ("funktionen", "bestimmte funktionen", "einige funktionen", "funktion"),
        ),
        _choice(
            "3",
            "cumbersome",
            ("omslachtig", "lastig", "omweg", "moeizaam"),
            ("umständlich", "umstaendlich", "mühsam", "muehsam", "umweg"),
        ),
    ),
)
CALLBACK_MENU = Menu(
    Step.CALLBACK,
    (
        _choice("1", "keep", ("ja", "klopt", "goed", "dit nummer"), ("ja", "richtig", "stimmt")),
        _choice(
            "2", "other", ("nee", "ander nummer", "ander"), ("nein", "andere nummer", "andere")
        ),
        # Offered only when the line sends text messages: this number, but no messages.
        _choice(
            "3",
            "no_messages",
            ("geen sms", "geen berichten", "geen sms'jes"),
            ("keine sms", "keine nachrichten"),
        ),
    ),
)
# Heard after the announcements while a known disruption is active; not a menu of the generic kind:
# anything but "this is my problem" goes on as usual at once.
DISRUPTION_MENU = Menu(
    Step.DISRUPTION,
    (
        _choice("1", "affected", ("ja", "mijn probleem", "dat is het"), ("ja", "mein problem")),
        _choice("2", "other", ("nee", "iets anders", "ander"), ("nein", "etwas anderes")),
    ),
)
MENUS = {
    menu.step: menu
    for menu in (LANGUAGE_MENU, PURPOSE_MENU, IMPACT_MENU, SEVERITY_MENU, CALLBACK_MENU)
}


class Signal(StrEnum):
    REPEAT = "repeat"
    SWITCH_LANGUAGE = "switch_language"
    INVALID = "invalid"
    NO_INPUT = "no_input"


@dataclass(frozen=True)
class Answer:
    """What the caller did at a menu: picked a choice, or one of the signals."""

    choice: Choice | None = None
    signal: Signal | None = None


def interpret(menu: Menu, digits: str | None, speech: str | None, locale: str) -> Answer:
    """Keys win over speech; speech must name exactly one choice, else it is invalid."""
    digits = (digits or "").strip()
    if digits:
        return _interpret_keys(menu, digits)
    words = normalise(speech or "")
    if not words:
        return Answer(signal=Signal.NO_INPUT)
    # The longest phrase heard decides ("alleen ik" beats "ik"); a tie between choices is unclear.
    scores = [
        max((len(normalise(p)) for p in _phrases(c, locale) if _says(words, p)), default=0)
        for c in menu.choices
    ]
    best = max(scores)
    if best == 0 or scores.count(best) > 1:
        return Answer(signal=Signal.INVALID)
    return Answer(choice=menu.choices[scores.index(best)])


def _interpret_keys(menu: Menu, digits: str) -> Answer:
    if digits == REPEAT_KEY:
        return Answer(signal=Signal.REPEAT)
    if digits == SWITCH_LANGUAGE_KEY and menu.step is not Step.LANGUAGE:
        return Answer(signal=Signal.SWITCH_LANGUAGE)
    for choice in menu.choices:
        if digits == choice.key:
            return Answer(choice=choice)
    return Answer(signal=Signal.INVALID)


def _phrases(choice: Choice, locale: str) -> tuple[str, ...]:
    # Callers mix languages ("Deutsch" said to a Dutch prompt): accept both, own language first.
    other = "de" if locale == "nl" else "nl"
    return choice.words.get(locale, ()) + choice.words.get(other, ())


def normalise(text: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFC", text.lower())
    return tuple(re.findall(r"[\w']+", text))


def _says(words: tuple[str, ...], phrase: str) -> bool:
    wanted = normalise(phrase)
    n = len(wanted)
    return any(words[i : i + n] == wanted for i in range(len(words) - n + 1))


@dataclass(frozen=True)
class Transition:
    source: Step
    outcome: str  # a choice value, or one of the outcomes below
    target: Step
    when_open: bool | None = None  # None: whether the desk is open or not


GIVE_UP = "no answer after repeats"
KNOWN_DISRUPTION = "known disruption"
REPORTER = "the reporter's phone"
SOMEONE_ELSE = "another phone"
KNOWN_LANGUAGE = "returning caller"
NEW_CALLER = "new caller"
DONE = "done"
ANSWERED = "agent answered"
NOT_ANSWERED = "no agent answered"  # nobody on duty in the language, or the queue is full
VALID = "valid number"
QUEUED = "an agent on duty speaks the language"
CHOSE_CALLBACK = "1: callback, keeps the place"
LEFT_QUEUE = "2: report, or past the maximum wait"
AFTER_RECORDING = "after the recording"
ASK_SENTENCE = "ASK_SUMMARY on"

TRANSITIONS: tuple[Transition, ...] = (
    Transition(Step.INCOMING, KNOWN_LANGUAGE, Step.ANNOUNCE),
    Transition(Step.INCOMING, NEW_CALLER, Step.LANGUAGE),
    Transition(Step.LANGUAGE, "nl", Step.ANNOUNCE),
    Transition(Step.LANGUAGE, "de", Step.ANNOUNCE),
    Transition(Step.LANGUAGE, GIVE_UP, Step.ROUTE, when_open=True),
    Transition(Step.LANGUAGE, GIVE_UP, Step.INTAKE, when_open=False),
    Transition(Step.ANNOUNCE, DONE, Step.PURPOSE),
    Transition(Step.ANNOUNCE, KNOWN_DISRUPTION, Step.DISRUPTION),
    Transition(Step.DISRUPTION, "affected", Step.END),
    Transition(Step.DISRUPTION, "other", Step.PURPOSE),
    Transition(Step.PURPOSE, "incident", Step.IMPACT),
    Transition(Step.PURPOSE, "status", Step.STATUS),
    Transition(Step.STATUS, REPORTER, Step.END),
    Transition(Step.STATUS, SOMEONE_ELSE, Step.STATUS_CHECK),
    Transition(Step.STATUS, GIVE_UP, Step.PURPOSE),
    Transition(Step.STATUS_CHECK, DONE, Step.END),
    Transition(Step.PURPOSE, "question", Step.ROUTE, when_open=True),
    Transition(Step.PURPOSE, "question", Step.INTAKE, when_open=False),
    Transition(Step.PURPOSE, "standard_change", Step.ROUTE, when_open=True),
    Transition(Step.PURPOSE, "standard_change", Step.INTAKE, when_open=False),
    Transition(Step.PURPOSE, GIVE_UP, Step.ROUTE, when_open=True),
    Transition(Step.PURPOSE, GIVE_UP, Step.INTAKE, when_open=False),
    Transition(Step.IMPACT, "all_users", Step.SEVERITY),
    Transition(Step.IMPACT, "some_users", Step.SEVERITY),
    Transition(Step.IMPACT, "one_user", Step.SEVERITY),
    Transition(Step.IMPACT, GIVE_UP, Step.ROUTE, when_open=True),
    Transition(Step.IMPACT, GIVE_UP, Step.INTAKE, when_open=False),
    Transition(Step.SEVERITY, "cannot_work", Step.ROUTE, when_open=True),
    Transition(Step.SEVERITY, "functions_fail", Step.ROUTE, when_open=True),
    Transition(Step.SEVERITY, "cumbersome", Step.ROUTE, when_open=True),
    Transition(Step.SEVERITY, "cannot_work", Step.INTAKE, when_open=False),
    Transition(Step.SEVERITY, "functions_fail", Step.INTAKE, when_open=False),
    Transition(Step.SEVERITY, "cumbersome", Step.INTAKE, when_open=False),
    Transition(Step.SEVERITY, GIVE_UP, Step.ROUTE, when_open=True),
    Transition(Step.SEVERITY, GIVE_UP, Step.INTAKE, when_open=False),
    Transition(Step.ROUTE, QUEUED, Step.QUEUE),
    # With ASK_SUMMARY on, one sentence about the problem after the recording.
    Transition(Step.INTAKE, ASK_SENTENCE, Step.SUMMARY),
    Transition(Step.SUMMARY, AFTER_RECORDING, Step.CALLBACK),
    Transition(Step.ROUTE, NOT_ANSWERED, Step.INTAKE),
    Transition(Step.QUEUE, ANSWERED, Step.END),
    Transition(Step.QUEUE, CHOSE_CALLBACK, Step.QUEUE_CALLBACK),
    Transition(Step.QUEUE, LEFT_QUEUE, Step.INTAKE),
    Transition(Step.QUEUE_CALLBACK, DONE, Step.END),
    Transition(Step.QUEUE_CALLBACK, GIVE_UP, Step.INTAKE),
    Transition(Step.INTAKE, DONE, Step.CALLBACK),
    Transition(Step.CALLBACK, "keep", Step.CONFIRM),
    Transition(Step.CALLBACK, "other", Step.CALLBACK_NUMBER),
    Transition(Step.CALLBACK, "no_messages", Step.CONFIRM),
    Transition(Step.CALLBACK, GIVE_UP, Step.CONFIRM),
    Transition(Step.CALLBACK_NUMBER, VALID, Step.CONFIRM),
    Transition(Step.CALLBACK_NUMBER, GIVE_UP, Step.CONFIRM),
    Transition(Step.CONFIRM, DONE, Step.END),
)


def next_step(source: Step, outcome: str, desk_open: bool) -> Step:
    for t in TRANSITIONS:
        if t.source is source and t.outcome == outcome and t.when_open in (None, desk_open):
            return t.target
    raise LookupError(f"no transition from {source} on {outcome!r} (open={desk_open})")
