"""Two gunicorn servers on one PostgreSQL, a call's webhooks alternating between them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa

from ivr.phone.transport import Form, OverHttp, Reply
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, empty_tables, local
from tests.reliability.calls import out_of_hours_report
from tests.support.servers import gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
NIGHT = {"X-IVR-Clock": local(2026, 11, 28, 22, 0).isoformat()}
SCRIPTS = ["1111", "1112", "1123", "1133", "2121", "22", "12"]  # "..2": a question


@dataclass
class Alternating:
    """Each request goes to the next server, as a load balancer in front of several would."""

    servers: list[str]
    token: str
    base_url: str = ""
    sent: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.base_url = f"{self.servers[0]}/voice/incoming"
        self._turn = 0

    def post(self, url: str, form: Form, headers: Mapping[str, str] | None = None) -> Reply:
        server = self.servers[self._turn % len(self.servers)]
        self._turn += 1
        self.sent[server] += 1
        target = urlsplit(server)
        parts = urlsplit(url)
        moved = urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))
        return OverHttp(moved, token=self.token).post(moved, form, headers)


def incidents(url: str) -> Counter[tuple[object, ...]]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT language, category, status, taken_out_of_hours, "
                "recording_url IS NOT NULL FROM incidents"
            )
        )
        found = Counter(tuple(row) for row in rows)
    engine.dispose()
    return found


def run_calls(servers: list[str]) -> Counter[str]:
    transport = Alternating(servers, TOKEN)
    for i, keys in enumerate(SCRIPTS):
        call = TwilioCall(transport, from_number=f"+3161000{i:04d}", headers=NIGHT)
        assert out_of_hours_report(call, keys).reference
    return transport.sent


@pytest.fixture
def shared_postgres(migrated_urls: dict[str, str]) -> Iterator[str]:
    if "postgresql" not in migrated_urls:
        pytest.skip("no PostgreSQL: set TEST_POSTGRES_URL to run these")
    yield migrated_urls["postgresql"]
    empty_tables(migrated_urls["postgresql"])


def test_two_instances_give_the_same_incidents_as_one(shared_postgres: str, tmp_path) -> None:
    database_url = shared_postgres
    env = {
        "DATABASE_URL": database_url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_ALLOW_CLOCK_HEADER": "1",
        "SECRET_KEY": "same-on-every-instance",
        "SPOOL_DIR": str(tmp_path / "spool"),
    }
    with gunicorn(env) as one:
        run_calls([one])
    alone = incidents(database_url)
    empty_tables(database_url)
    with gunicorn(env) as first, gunicorn(env) as second:
        sent = run_calls([first, second])
    assert sent[first] > 10 and sent[second] > 10
    assert incidents(database_url) == alone
    assert sum(alone.values()) == len(SCRIPTS)
