"""Every /voice endpoint under random, missing, huge, non-UTF-8 and repeated input (hypothesis).

Signed requests always get 200 with TwiML whose root is <Response>; unsigned ones get 403; no
request ever gets a 500, and no call ever gets two incidents.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ivr.db import get_session
from ivr.models import Incident
from ivr.phone.transport import signature
from tests.conftest import TOKEN

BASE = "https://ivr.example.test"
TWILIO_FIELDS = [
    "CallSid",
    "From",
    "To",
    "Caller",
    "Called",
    "CallStatus",
    "Digits",
    "SpeechResult",
    "Confidence",
    "RecordingUrl",
    "RecordingSid",
    "RecordingDuration",
    "RecordingStatus",
    "DialCallStatus",
    "DialCallSid",
    "DialCallDuration",
    "CallDuration",
    "ParentCallSid",
    "AccountSid",
]
STATE_FIELDS = ["lang", "kind", "impact", "severity", "ref", "attempt", "asap", "agent", "call"]
KNOWN_VALUES = [
    "1",
    "2",
    "3",
    "9",
    "*",
    "#",
    "",
    "nl",
    "de",
    "xx",
    "incident",
    "question",
    "all_users",
    "one_user",
    "cannot_work",
    "cumbersome",
    "completed",
    "no-answer",
    "busy",
    "hangup",
    "+31612345678",
    "0612345678",
    "-1",
    "99999999999999999999",
    "12345678",
    "CA00000000000000000000000000000000",
    "Deutsch bitte",
    "alleen ik",
]
SEEN = {"requests": 0}

values = st.one_of(
    st.sampled_from(KNOWN_VALUES),
    st.text(max_size=40),
    st.text(alphabet="0123456789*#", max_size=30),
    st.integers(min_value=1_000, max_value=20_000).map(lambda n: "9" * n),  # huge
)
names = st.one_of(st.sampled_from(TWILIO_FIELDS), st.text(min_size=1, max_size=12))
call_sids = st.one_of(st.sampled_from(["CA-fuzz-1", "CA-fuzz-2"]), st.text(max_size=70))


def voice_paths(app: Flask) -> list[str]:
    return sorted(r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("voice."))


@st.composite
def requests(draw, paths: list[str]):  # type: ignore[no-untyped-def]
    rule = draw(st.sampled_from(paths))
    path = re.sub(
        r"<[^>]+>", lambda _: quote(draw(st.text(min_size=1, max_size=20)), safe=""), rule
    )
    query = draw(st.lists(st.tuples(st.sampled_from(STATE_FIELDS) | names, values), max_size=6))
    form = draw(st.lists(st.tuples(names, values), max_size=12))  # repeats included
    if draw(st.booleans()):
        form.append(("CallSid", draw(call_sids)))
    return path, query, form, draw(st.sampled_from(["signed", "signed", "unsigned", "latin-1"]))


def send(app: Flask, path: str, query, form, how: str):  # type: ignore[no-untyped-def]
    url = path + (f"?{urlencode(query)}" if query else "")
    body = urlencode(form)
    headers = {}
    if how != "unsigned":
        headers["X-Twilio-Signature"] = signature(TOKEN, BASE + url, form)
    if how == "latin-1":
        body += "&SpeechResult=%FF%FEcaf%E9"  # not UTF-8: the signature no longer matches
    SEEN["requests"] += 1
    return app.test_client().post(
        url,
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers=headers,
        base_url=BASE,
    )


@pytest.mark.slow
def test_every_webhook_answers_twiml_whatever_it_is_sent(app: Flask, capsys) -> None:
    paths = voice_paths(app)
    assert len(paths) >= 10
    SEEN["requests"] = 0

    @settings(
        max_examples=int(os.environ.get("FUZZ_EXAMPLES", "400")),  # per backend
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(requests(paths))
    def check(request) -> None:  # type: ignore[no-untyped-def]
        path, query, form, how = request
        response = send(app, path, query, form, how)
        if how == "unsigned" or (how == "latin-1" and response.status_code == 403):
            assert response.status_code == 403
            return
        assert response.status_code == 200, (path, query, form, response.status_code)
        root = ET.fromstring(response.get_data(as_text=True))
        assert root.tag == "Response"

    check()
    with app.app_context():
        per_call = select(Incident.call_id, func.count()).group_by(Incident.call_id)
        assert all(count == 1 for _call, count in get_session().execute(per_call))
    with capsys.disabled():
        print(f"\nfuzzed /voice with {SEEN['requests']} requests over {len(paths)} endpoints")
