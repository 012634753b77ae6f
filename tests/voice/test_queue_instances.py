"""The queue on PostgreSQL with two instances of the app (gunicorn each) and the sweeper.

Callers, agents' phones and Twilio's callbacks are played as in tests/voice/test_queue.py, but
every webhook goes, in turn, to one of two gunicorn servers on the same database (as a load
balancer in front of them would send it); the callers of each wave arrive at the same moment,
from threads, so the two instances dispatch against each other; between rounds the sweeper
(`queue sweep`, a third process's worth of dispatcher) runs too. Offers reach the fake Twilio
through each instance's own `twilio` Client.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import Flask
from sqlalchemy import select

from ivr import create_app
from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Agent, Call, Incident, Offer
from ivr.phone.fake_twilio import FakeTwilio
from ivr.phone.switchboard import Switchboard
from ivr.phone.transport import Form, OverHttp, Reply
from ivr.phone.twilio_call import TwilioCall
from ivr.services.agents import add_agent
from tests.conftest import TOKEN, empty_tables, local
from tests.support.servers import gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ACCOUNT = "AC" + "6" * 32
DESK_NUMBER = "+31413741742"
OPEN = local(2026, 11, 24, 10, 0)
ANOUK, JONAS, SANNE = "+31687000001", "+4917600000002", "+31687000003"
SPEAKS = {ANOUK: {"nl"}, JONAS: {"de"}, SANNE: {"nl", "de"}}
LANGUAGE_KEY = {"nl": "1", "de": "2"}
CATEGORY_KEYS = {1: "11", 2: "12", 3: "22", 4: "33"}  # impact, severity
POSITION = re.compile(r"(?:nummer|Nummer) (\d+) in (?:de wachtrij|der Warteschlange)")
FIRST_WAVE = [("nl", 3), ("de", 4), ("nl", 2), ("de", 3), ("nl", 4), ("de", 2), ("nl", 3),
              ("de", 3), ("nl", 2), ("de", 4)]  # fmt: skip
SECOND_WAVE = [("nl", 1), ("de", 1)]  # five minutes later, the most urgent


class Alternating:
    """Each request to the next server in turn (thread-safe), signed for the URL it reaches."""

    def __init__(self, servers: list[str]) -> None:
        self.servers = servers
        self.base_url = f"{servers[0]}/voice/incoming"
        self.sent: Counter[str] = Counter()
        self._turn = 0
        self._lock = threading.Lock()

    def post(self, url: str, form: Form, headers: Mapping[str, str] | None = None) -> Reply:
        with self._lock:
            server = self.servers[self._turn % len(self.servers)]
            self._turn += 1
            self.sent[server] += 1
        target, parts = urlsplit(server), urlsplit(url)
        moved = urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))
        return OverHttp(moved, token=TOKEN).post(moved, form, headers)


@pytest.fixture
def shared_postgres(migrated_urls: dict[str, str]) -> Iterator[str]:
    if "postgresql" not in migrated_urls:
        pytest.skip("no PostgreSQL: set TEST_POSTGRES_URL to run these")
    yield migrated_urls["postgresql"]
    empty_tables(migrated_urls["postgresql"])


def queue_up(board: Switchboard, lang: str, category: int, number: str) -> TwilioCall:
    call = board.call(number)
    call.start()
    for key in LANGUAGE_KEY[lang] + "1" + CATEGORY_KEYS[category]:
        call.press(key)
    assert call.queued, call.as_text()
    return call


def arrive_together(
    board: Switchboard, plan: list[tuple[str, int]], first: int
) -> list[tuple[str, int, TwilioCall]]:
    with ThreadPoolExecutor(max_workers=len(plan)) as pool:
        futures = [
            pool.submit(queue_up, board, lang, category, f"+316200000{first + i:02d}")
            for i, (lang, category) in enumerate(plan)
        ]
        calls = [future.result() for future in futures]
    return [(lang, cat, call) for (lang, cat), call in zip(plan, calls, strict=True)]


def positions(call: TwilioCall) -> list[int]:
    return [int(m) for h in call.transcript if h.kind == "say" for m in POSITION.findall(h.text)]


def test_two_instances_and_the_sweeper_serve_twelve_callers_exactly_once(
    shared_postgres: str, tmp_path: Path
) -> None:
    clock = FixedClock(OPEN)
    header = {"X-IVR-Clock": OPEN.isoformat()}  # one dict, shared by every phone: the time now

    def set_time(when: object) -> None:
        clock.set(when)  # type: ignore[arg-type]
        header["X-IVR-Clock"] = clock.now().isoformat()

    with FakeTwilio(ACCOUNT, TOKEN) as fake:
        settings = {
            "DATABASE_URL": shared_postgres,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_NUMBER": DESK_NUMBER,
            "TWILIO_API_BASE": fake.base_url,
            "WRAP_UP_SECONDS": "0",
            "SECRET_KEY": "same-on-every-instance",
            "SPOOL_DIR": str(tmp_path / "spool"),
        }
        sweeper: Flask = create_app(
            {**settings, "WRAP_UP_SECONDS": 0, "CLOCK": clock, "TESTING": True,
             "PUBLIC_URL": "https://ivr.example.test"}
        )  # fmt: skip
        with sweeper.app_context():
            session = get_session()
            add_agent(session, "Anouk", ANOUK, "nl")
            add_agent(session, "Jonas", JONAS, "de")
            add_agent(session, "Sanne", SANNE, "nl,de")
        env = {**settings, "IVR_ALLOW_CLOCK_HEADER": "1"}
        try:
            with gunicorn(env) as first, gunicorn(env) as second:
                transport = Alternating([first, second])
                board = Switchboard(fake, transport, line_number=DESK_NUMBER, headers=header)
                _serve_everyone(board, fake, sweeper, set_time)
            assert transport.sent[first] > 100 and transport.sent[second] > 100
        finally:
            sweeper.extensions["ivr.db"].engine.dispose()


def _serve_everyone(board: Switchboard, fake: FakeTwilio, sweeper: Flask, set_time) -> None:  # type: ignore[no-untyped-def]
    board.phone(SANNE, "voicemail", "accept")  # her mobile's voicemail picks up the first offer
    callers = arrive_together(board, FIRST_WAVE, 0)
    set_time(OPEN + timedelta(minutes=5))
    callers += arrive_together(board, SECOND_WAVE, len(FIRST_WAVE))
    # Twelve arrivals raced over two instances: one offer per agent, no more.
    assert sorted(call.to for call in fake.calls.values()) == sorted([ANOUK, JONAS, SANNE])
    runner = sweeper.test_cli_runner()
    for round_ in range(40):
        set_time(OPEN + timedelta(minutes=6, seconds=30 * round_))
        board.pump()
        live = [c.to for c in fake.live_calls()]
        assert len(live) == len(set(live)), "an agent has two offers at once"
        connected = [sid for _agent, sid in board.connected]
        assert len(connected) == len(set(connected)), "a caller was connected twice"
        if _presence(sweeper, "Sanne") == "away":  # after her voicemail declined: back on duty
            runner.invoke(args=["agents", "presence", "Sanne", "available"])
        board.finish_all()
        for _lang, _cat, call in callers:
            if call.queued:
                call.keep_waiting()
        result = runner.invoke(args=["queue", "sweep"])
        assert result.exit_code == 0, result.output
        if not any(call.queued for _l, _c, call in callers):
            break
    board.pump()
    board.finish_all()

    assert (SANNE, "voicemail") in board.rung
    by_sid = {call.call_sid: (lang, cat) for lang, cat, call in callers}
    order: dict[str, list[int]] = {"nl": [], "de": []}
    for agent, sid in board.connected:
        lang, category = by_sid[sid]
        assert lang in SPEAKS[agent], (agent, lang)
        order[lang].append(category)
    assert sorted(sid for _a, sid in board.connected) == sorted(by_sid)  # everyone, once
    for lang in ("nl", "de"):
        # Arrived last, but served right after the callers already being offered.
        assert order[lang].index(1) <= 2, order
    for _lang, _cat, call in callers:
        heard = positions(call)
        assert heard and all(a >= b for a, b in pairwise(heard)), heard
    with sweeper.app_context():
        session = get_session()
        taken = {
            sid: by
            for sid, by in session.execute(
                select(Call.call_sid, Incident.acknowledged_by).join(Incident.call)
            )
        }
        sannes_first = session.scalars(
            select(Offer).join(Offer.agent).where(Agent.name == "Sanne").order_by(Offer.id)
        ).first()
    names = {ANOUK: "Anouk", JONAS: "Jonas", SANNE: "Sanne"}
    for agent, sid in board.connected:
        assert taken[sid] == names[agent]  # acknowledged by the one who took it, not a voicemail
    assert sannes_first is not None and sannes_first.status in ("declined", "missed")
    # Offers were placed by both instances and by the sweeper, each through its own Client.
    placed_by = Counter(urlsplit(call.url).netloc for call in fake.calls.values())
    assert len(placed_by) >= 2, placed_by


def _presence(app: Flask, name: str) -> str:
    with app.app_context():
        return get_session().scalars(select(Agent.presence).where(Agent.name == name)).one()
