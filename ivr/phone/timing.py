"""The caller's first minute, measured: what is said before an agent's phone rings or the
recording starts, route by route, in words and in seconds at the voice's pace.

Calls are driven through the real webhooks with the Twilio-like client, so the count is what a
caller hears, not what a list of prompts says. Two listeners per route: one who hears every
menu to the end (a first-time caller), and one who knows the line (a returning caller, language
remembered) and presses the key as soon as their choice has been named; keys interrupt only the
speech inside a `<Gather>`.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from ivr.clock import FixedClock
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import Heard, TwilioCall

# Amazon Polly's neural voices at the default rate: about 150 words a minute (the issue's
# "140 words, roughly 55 seconds" is the same pace).
WORDS_PER_SECOND = 2.5
LANGUAGE_KEYS = {"nl": "1", "de": "2"}
CALLERS = {"nl": "+3161234567{}", "de": "+491512345678{}"}  # one number per route: first-time
ENDS = {"dial": "ringing", "record": "recording"}
SENTENCE = "Mijn laptop start niet op."


@dataclass(frozen=True)
class Route:
    name: str
    desk_open: bool
    keys: tuple[str, ...]  # after the language menu


ROUTES = (
    Route("disruption, open", True, ("1", "1", "1")),
    Route("question, open", True, ("2",)),
    Route("disruption, closed", False, ("1", "1", "1")),
    Route("question, closed", False, ("2",)),
    Route("standard change, open", True, ("3",)),
    Route("standard change, closed", False, ("3",)),
)


@dataclass(frozen=True)
class Measure:
    route: str
    language: str
    caller: str  # "first-time" (hears every menu to the end) | "returning" (presses at once)
    words: int
    ends_at: str  # ringing | recording

    @property
    def seconds(self) -> float:
        return round(self.words / WORDS_PER_SECOND, 1)


def words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _heard_words(items: Iterable[Heard], key: str | None, choices: Mapping[str, set[str]]) -> int:
    """Words heard before the caller acts; with `key`, speech inside the menu stops after the
    sentence that names the choice (barge-in)."""
    total = 0
    for item in items:
        if item.kind != "say":
            continue
        total += words(item.text)
        if key is not None and item.interruptible and item.text in choices.get(key, set()):
            break
    return total


def listen(
    call: TwilioCall, keys: Iterable[str], choices: Mapping[str, set[str]], barge_in: bool
) -> tuple[int, str]:
    """Press `keys` at each menu; words heard until the line rings or records, and which."""
    call.start()
    total = 0
    for key in keys:
        if call.waiting_for != "gather":
            raise RuntimeError(
                f"expected a menu for key {key}, the call waits for {call.waiting_for}"
            )
        total += _heard_words(call.heard_items, key if barge_in else None, choices)
        call.press(key)
        total += _say_a_sentence(call, choices)
    if call.queued:  # in hours: queued, and a free agent's phone rings at once (an offer)
        return total + _heard_words(call.heard_until_queued, None, choices), "ringing"
    if call.waiting_for not in ENDS:
        raise RuntimeError(
            f"the route ends waiting for {call.waiting_for}, not ringing or recording"
        )
    total += _heard_words(call.heard_items, None, choices)
    return total, ENDS[call.waiting_for]


def _say_a_sentence(call: TwilioCall, choices: Mapping[str, set[str]]) -> int:
    """Where the line asks for a sentence (speech only), the caller gives one at once. Once in
    the queue the agent's phone rings already: what is asked there is not counted."""
    total = 0
    while call.waiting_for == "gather" and "dtmf" not in call.waiting_input and not call.queued:
        total += _heard_words(call.heard_items, None, choices)
        call.speak(SENTENCE)
    return total


def measure(
    app: Flask,
    clock: FixedClock,
    *,
    open_at: datetime,
    closed_at: datetime,
    choices: Mapping[str, set[str]],
    token: str,
    routes: Iterable[Route] = ROUTES,
) -> list[Measure]:
    """Every route in both languages, for a first-time and a returning caller."""
    results = []
    for index, route in enumerate(routes):
        for language, language_key in LANGUAGE_KEYS.items():
            clock.set(open_at if route.desk_open else closed_at)
            number = CALLERS[language].format(index)
            first = TwilioCall(InProcess(app, token=token), from_number=number)
            count, end = listen(first, (language_key, *route.keys), choices, barge_in=False)
            first.hang_up()
            results.append(Measure(route.name, language, "first-time", count, end))
            clock.advance(timedelta(minutes=5))
            again = TwilioCall(InProcess(app, token=token), from_number=number)
            count, end = listen(again, route.keys, choices, barge_in=True)
            again.hang_up()
            results.append(Measure(route.name, language, "returning", count, end))
    return results


def table(results: Iterable[Measure]) -> str:
    """One line per route and language: words and seconds, first-time and returning."""
    rows: dict[tuple[str, str], dict[str, Measure]] = {}
    for m in results:
        rows.setdefault((m.route, m.language), {})[m.caller] = m
    lines = [
        f"{'route':<22} {'lang':<4} {'first-time caller':>20} {'returning, barge-in':>21}  until"
    ]
    for (route, language), by in rows.items():
        first, again = by["first-time"], by["returning"]
        lines.append(
            f"{route:<22} {language:<4} {first.words:>7} words {first.seconds:>5.1f} s"
            f" {again.words:>8} words {again.seconds:>5.1f} s  {first.ends_at}"
        )
    return "\n".join(lines)


@contextmanager
def scratch_app(config: Mapping[str, Any], token: str) -> Iterator[tuple[Flask, FixedClock]]:
    """The app with this configuration on a throw-away SQLite database, one agent on duty, its
    offers placed with a local fake of Twilio's REST API."""
    from ivr import create_app, migrations
    from ivr.db import get_session
    from ivr.phone.fake_twilio import FakeTwilio
    from ivr.services.agents import add_agent

    account = "AC" + "0" * 32
    with tempfile.TemporaryDirectory() as tmp, FakeTwilio(account, token) as fake:
        url = f"sqlite:///{Path(tmp) / 'timing.sqlite3'}"
        migrations.upgrade("head", url=url)
        clock = FixedClock()
        app = create_app(
            {
                **config,
                "DATABASE_URL": url,
                "TWILIO_AUTH_TOKEN": token,
                "CLOCK": clock,
                "SPOOL_DIR": str(Path(tmp) / "spool"),
                "INCIDENT_WEBHOOK_URL": "",
                "LOG_LEVEL": "WARNING",
                "TWILIO_ACCOUNT_SID": account,
                "TWILIO_NUMBER": "+31413741742",
                "TWILIO_API_BASE": fake.base_url,
            }
        )
        with app.app_context():
            add_agent(get_session(), "Timing", "+31687654321", "nl,de")
        try:
            yield app, clock
        finally:
            app.extensions["ivr.db"].engine.dispose()
