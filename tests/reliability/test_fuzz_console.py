"""The console's forms and the JSON API under random and extreme values (hypothesis).

Whatever a careless or hostile user submits (dates out of range or in the DST gap, huge and
NUL-laden text, negative and non-numeric numbers, ids that do not exist), the answer is never a
500: a page with the reason, a redirect with a message, a 4xx.
"""

from __future__ import annotations

import os
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivr.db import get_session
from ivr.services.users import create_token
from tests.console.conftest import staff, user  # noqa: F401  the logged-in console

EXTREME = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "4",
    "5",
    "200",
    "201",
    "99999999999999999999",
    "0001-01-01",
    "0001-01-01T00:00",
    "9999-12-31",
    "9999-12-31T23:59:59-14:00",
    "2027-03-28T02:30",
    "2027-10-31T02:30",
    "2026-12-05T22:00",
    "2027-05-07",
    "2099-12-31",
    "yesterday",
    "nl",
    "de",
    "nl,de",
    "open",
    "bogus",
    "breached",
    "morning",
    "yes",
    "+31612345678",
    "0612345678",
    'sip:"><script>alert(3)</script>@x',
    "client:<b>x</b>",
    "sip:anouk@pbx.example.nl",
    "client:anouk",
    "Anouk",
    "a\x00b",
    "%00",
    "../../etc/passwd",
]
values = st.one_of(
    st.sampled_from(EXTREME),
    st.text(max_size=60),
    st.integers(min_value=250, max_value=100_000).map(lambda n: "x" * n),  # huge
)
ids = st.one_of(st.sampled_from(["1", "2", "0", "999999"]), st.integers(0, 2**63).map(str))
FORMS = {
    "/console/agents": ["name", "number", "languages"],
    "/console/agents/{id}/duty": ["on_duty"],
    "/console/agents/{id}/delete": [],
    "/console/closures": ["start", "end", "reason_nl", "reason_de", "confirm_long"],
    "/console/closures/{id}": ["start", "end", "reason_nl", "reason_de", "confirm_long"],
    "/console/closures/{id}/delete": [],
    "/console/maintenance": ["start", "end", "description_nl", "description_de"],
    "/console/maintenance/{id}": ["start", "end", "description_nl", "description_de"],
    "/console/maintenance/{id}/delete": [],
    "/console/incidents/{id}/acknowledge": [],
    "/console/incidents/{id}/resolve": [],
}
PAGES = {
    "/console/": ["category", "status", "sla", "out_of_hours", "view"],
    "/console/calendar": [],
    "/console/agents": [],
    "/console/calls": [],
    "/console/incidents/{id}": [],
    "/api/incidents": ["status", "category", "since", "limit", "offset"],
    "/api/incidents/{id}": [],
}
SEEN = {"requests": 0}


@st.composite
def requests(draw):  # type: ignore[no-untyped-def]
    post = draw(st.booleans())
    table = FORMS if post else PAGES
    path = draw(st.sampled_from(sorted(table)))
    fields = table[path]
    path = path.replace("{id}", draw(ids))
    chosen = draw(st.lists(st.sampled_from(fields), unique=True)) if fields else []
    data = {name: draw(values) for name in chosen}
    extra = draw(st.lists(st.tuples(st.text(min_size=1, max_size=8), values), max_size=2))
    return ("POST" if post else "GET"), path, {**dict(extra), **data}


@pytest.mark.slow
def test_no_form_or_api_request_gets_a_500(app: Flask, staff: FlaskClient, capsys) -> None:  # noqa: F811
    with app.app_context():
        token = create_token(get_session(), "fuzz", app.extensions["ivr.clock"].now())
    page = staff.get("/console/calendar").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    bearer = {"Authorization": f"Bearer {token}"}
    SEEN["requests"] = 0

    @settings(
        max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")),  # per backend
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(requests())
    def check(request) -> None:  # type: ignore[no-untyped-def]
        method, path, data = request
        SEEN["requests"] += 1
        if method == "POST":
            response = staff.post(path, data={**data, "csrf_token": csrf})
        else:
            response = staff.get(path, query_string=data, headers=bearer)
        assert response.status_code < 500, (method, path, data, response.status_code)
        if path.startswith("/console/") and response.status_code == 302:
            assert "/console/login" not in response.headers["Location"], "logged out"

    check()
    with capsys.disabled():
        print(f"\nfuzzed the console and the API with {SEEN['requests']} requests")
