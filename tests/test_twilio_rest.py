"""The REST adapter, through the unchanged `twilio` Client, against the local fake Twilio."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from ivr.phone.fake_twilio import FakeTwilio
from ivr.twilio_rest import RebasedHttpClient, TwilioRest, TwilioUnavailable

ACCOUNT = "AC" + "1" * 32
TOKEN = "fake-auth-token"
LINE = "+31413741742"
AGENT = "+31687654321"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(ACCOUNT, TOKEN) as server:
        yield server


@pytest.fixture
def rest(fake: FakeTwilio) -> TwilioRest:
    return TwilioRest(ACCOUNT, TOKEN, caller_id=LINE, api_base=fake.base_url, timeout=2)


def test_a_call_is_created_with_twilios_fields(fake: FakeTwilio, rest: TwilioRest) -> None:
    call = rest.create_call(
        AGENT, "https://ivr.example/voice/offer?o=1", "https://ivr.example/voice/offer/status",
        ring_seconds=20,
    )  # fmt: skip
    assert call.sid.startswith("CA") and len(call.sid) == 34
    assert call.status == "queued"
    [made] = fake.made("POST", r"/Calls\.json")
    assert made.value("To") == AGENT
    assert made.value("From") == LINE
    assert made.value("Url") == "https://ivr.example/voice/offer?o=1"
    assert made.value("Method") == "POST"
    assert made.value("StatusCallback") == "https://ivr.example/voice/offer/status"
    assert made.form["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    assert made.value("Timeout") == "20"
    assert fake.calls[call.sid].to == AGENT


def test_an_offer_is_withdrawn_by_its_state(fake: FakeTwilio, rest: TwilioRest) -> None:
    """A phone still ringing stops; one answered hears the "gone" message at `gone_url`."""
    ringing = rest.create_call(AGENT, "https://ivr.example/a", "https://ivr.example/s").sid
    fake.set_status(ringing, "ringing")
    rest.withdraw(ringing, "https://ivr.example/gone")
    assert fake.calls[ringing].status == "canceled" and fake.calls[ringing].redirects == []
    answered = rest.create_call(AGENT, "https://ivr.example/a", "https://ivr.example/s").sid
    fake.set_status(answered, "in-progress")
    rest.withdraw(answered, "https://ivr.example/gone")
    assert fake.calls[answered].redirects == ["https://ivr.example/gone"]
    assert fake.calls[answered].status == "in-progress"  # it plays the message, then hangs up
    rest.withdraw("CA" + "0" * 32, "https://ivr.example/gone")  # gone already: no error


def test_a_call_is_redirected_and_hung_up(fake: FakeTwilio, rest: TwilioRest) -> None:
    sid = rest.create_call(AGENT, "https://ivr.example/a", "https://ivr.example/s").sid
    fake.set_status(sid, "in-progress")
    rest.redirect_call(sid, "https://ivr.example/next")
    assert fake.calls[sid].redirects == ["https://ivr.example/next"]
    rest.hang_up(sid)
    assert fake.calls[sid].status == "completed"
    rest.hang_up(sid)  # ended already: nothing to do, no error
    with pytest.raises(TwilioUnavailable) as refused:
        rest.redirect_call(sid, "https://ivr.example/next")
    assert refused.value.code == 21220


def test_a_ringing_call_hung_up_is_canceled(fake: FakeTwilio, rest: TwilioRest) -> None:
    sid = rest.create_call(AGENT, "https://ivr.example/a", "https://ivr.example/s").sid
    fake.set_status(sid, "ringing")
    rest.hang_up(sid)
    assert fake.calls[sid].status == "canceled"


def test_wrong_credentials_are_refused(fake: FakeTwilio) -> None:
    wrong = TwilioRest(ACCOUNT, "not-the-token", caller_id=LINE, api_base=fake.base_url)
    with pytest.raises(TwilioUnavailable) as refused:
        wrong.create_call(AGENT, "https://ivr.example/a", "https://ivr.example/s")
    assert (refused.value.status, refused.value.code) == (401, 20003)
    assert fake.calls == {}


def test_an_outage_is_one_exception(fake: FakeTwilio, rest: TwilioRest) -> None:
    fake.failing = 503
    with pytest.raises(TwilioUnavailable) as refused:
        rest.create_call(AGENT, "https://ivr.example/a", "https://ivr.example/s")
    assert refused.value.status == 503


def test_twilio_out_of_reach_is_the_same_exception(fake: FakeTwilio) -> None:
    base = fake.base_url
    fake.stop()
    rest = TwilioRest(ACCOUNT, TOKEN, caller_id=LINE, api_base=base, timeout=1)
    with pytest.raises(TwilioUnavailable) as unreachable:
        rest.create_call(AGENT, "https://ivr.example/a", "https://ivr.example/s")
    assert unreachable.value.status is None


def test_without_credentials_nothing_is_sent(fake: FakeTwilio) -> None:
    rest = TwilioRest("", "", caller_id=LINE, api_base=fake.base_url)
    with pytest.raises(TwilioUnavailable, match="not set"):
        rest.create_call(AGENT, "https://ivr.example/a", "https://ivr.example/s")
    no_caller_id = TwilioRest(ACCOUNT, TOKEN, api_base=fake.base_url)
    with pytest.raises(TwilioUnavailable, match="TWILIO_NUMBER"):
        no_caller_id.create_call(AGENT, "https://ivr.example/a", "https://ivr.example/s")
    assert fake.requests == []


@pytest.mark.parametrize(
    ("url", "rebased"),
    [
        (
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json",
            "http://127.0.0.1:9/2010-04-01/Accounts/AC1/Calls.json",
        ),
        ("https://messaging.twilio.com/v1/Services", "http://127.0.0.1:9/v1/Services"),
        ("https://example.com/twilio.com/x", "https://example.com/twilio.com/x"),
        ("https://eviltwilio.com/x", "https://eviltwilio.com/x"),
    ],
)
def test_only_twilio_hosts_are_rebased(url: str, rebased: str) -> None:
    assert RebasedHttpClient("http://127.0.0.1:9", timeout=1).rebase(url) == rebased


def test_the_default_base_is_twilio_itself() -> None:
    client = RebasedHttpClient("https://api.twilio.com", timeout=1)
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json"
    assert client.rebase(url) == url


def test_the_fake_answers_unknown_paths_as_twilio_does(fake: FakeTwilio) -> None:
    reply = requests.get(
        f"{fake.base_url}/2010-04-01/Accounts/{ACCOUNT}/Nothing.json",
        auth=(ACCOUNT, TOKEN),
        timeout=2,
    )
    assert reply.status_code == 404
    assert reply.json()["code"] == 20404
    assert reply.json()["more_info"] == "https://www.twilio.com/docs/errors/20404"


def test_the_app_builds_its_adapter_from_settings(make_app, fake: FakeTwilio) -> None:  # type: ignore[no-untyped-def]
    app = make_app(
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_NUMBER=LINE,
        TWILIO_API_BASE=fake.base_url,
    )
    rest: TwilioRest = app.extensions["ivr.twilio"]
    sid = rest.create_call(AGENT, "https://ivr.example/a", "https://ivr.example/s").sid
    assert fake.calls[sid].from_ == LINE
