"""The service skeleton: health, signatures, proxy headers and the safety net."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import Flask
from twilio.request_validator import HMAC_SHA256, RequestValidator
from werkzeug.datastructures import MultiDict

from ivr.phone.transport import InProcess, signature
from tests.conftest import TOKEN
from tests.twiml import parse, spoken

CALL = {
    "CallSid": "CA" + "1" * 32,
    "From": "+31612345678",
    "To": "+31413741742",
    "AccountSid": "AC" + "0" * 32,
    "CallStatus": "ringing",
    "Direction": "inbound",
}


def test_healthz_reports_database_ok(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(make_app) -> None:
    app = make_app(DATABASE_URL="sqlite:////nonexistent/dir/x.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_unsigned_webhook_is_refused(client) -> None:
    assert client.post("/voice/incoming", data=CALL).status_code == 403


def test_wrongly_signed_webhook_is_refused(client) -> None:
    bad = signature("another-token", "http://localhost/voice/incoming", CALL)
    response = client.post("/voice/incoming", data=CALL, headers={"X-Twilio-Signature": bad})
    assert response.status_code == 403


def test_signature_over_other_parameters_is_refused(client) -> None:
    good = signature(TOKEN, "http://localhost/voice/incoming", CALL)
    tampered = {**CALL, "From": "+31600000000"}
    response = client.post("/voice/incoming", data=tampered, headers={"X-Twilio-Signature": good})
    assert response.status_code == 403


def test_signed_webhook_gets_twiml(app: Flask) -> None:
    reply = InProcess(app, token=TOKEN).post("/voice/incoming", CALL)
    assert reply.status == 200
    assert reply.content_type.startswith("text/xml")
    parse(reply.body)


def test_without_token_webhooks_are_refused_even_signed(make_app) -> None:
    app = make_app(TWILIO_AUTH_TOKEN="")
    assert InProcess(app, token=TOKEN).post("/voice/incoming", CALL).status == 403


def test_development_switch_accepts_unsigned(make_app, caplog) -> None:
    app = make_app(TWILIO_AUTH_TOKEN="", IVR_DEV_UNSIGNED=True)
    assert app.test_client().post("/voice/incoming", data=CALL).status_code == 200
    assert "NOT verified" in caplog.text  # said when serving (tests/test_token_warning.py)


@pytest.mark.parametrize("hops", [1, 2])
def test_signature_valid_behind_tls_proxy(make_app, hops: int) -> None:
    """Twilio signs https://public/...; the app sees http://internal/ plus forwarded headers."""
    app = make_app(PROXY_TRUSTED_HOPS=hops)
    public_url = "https://ivr.example.nl/voice/incoming"
    forwarded = {
        "X-Twilio-Signature": signature(TOKEN, public_url, CALL),
        "X-Forwarded-Proto": ", ".join(["https"] * hops),
        "X-Forwarded-Host": ", ".join(["ivr.example.nl"] * hops),
        "X-Forwarded-For": ", ".join(["203.0.113.9"] * hops),
    }
    client = app.test_client()
    response = client.post(
        "/voice/incoming", data=CALL, headers=forwarded, base_url="http://10.0.0.5:8000"
    )
    assert response.status_code == 200


def test_forwarded_headers_ignored_without_trusted_proxy(client) -> None:
    public_url = "https://ivr.example.nl/voice/incoming"
    response = client.post(
        "/voice/incoming",
        data=CALL,
        base_url="http://10.0.0.5:8000",
        headers={
            "X-Twilio-Signature": signature(TOKEN, public_url, CALL),
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "ivr.example.nl",
        },
    )
    assert response.status_code == 403


def test_failing_handler_answers_fallback_twiml(app: Flask, monkeypatch, caplog) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("ivr.voice.call.remembered_language", explode)
    reply = InProcess(app, token=TOKEN).post("/voice/incoming", CALL)
    assert reply.status == 200
    root = parse(reply.body)
    # An apology in both languages, then the caller's message is recorded (no fallback number).
    assert len(list(root.iter("Say"))) >= 2
    assert root.find("Record") is not None
    assert CALL["CallSid"] in caplog.text


def test_fallback_dials_configured_number(make_app, monkeypatch) -> None:
    app = make_app(FALLBACK_NUMBER="+31413741742")
    monkeypatch.setattr(
        "ivr.voice.call.remembered_language",
        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")),
    )
    root = parse(InProcess(app, token=TOKEN).post("/voice/incoming", CALL).body)
    assert root.find("Dial").text == "+31413741742"
    assert spoken(root)


def test_unknown_voice_path_answers_twiml(app: Flask) -> None:
    reply = InProcess(app, token=TOKEN).post("/voice/no-such-step", CALL)
    assert reply.status == 200
    parse(reply.body)


def test_signature_covers_the_raw_path_as_twilio_sent_it(client) -> None:
    url = "https://ivr.example.test/voice/menu/a%2Fb"
    signed = {"X-Twilio-Signature": signature(TOKEN, url, {"CallSid": "CA1"})}
    response = client.post(
        "/voice/menu/a%2Fb",
        data={"CallSid": "CA1"},
        headers=signed,
        base_url="https://ivr.example.test",
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("signed_url", "requested"),
    [
        ("https://ivr.example.test/voice/incoming", "https://ivr.example.test"),
        ("https://ivr.example.test:443/voice/incoming", "https://ivr.example.test"),
        ("https://ivr.example.test/voice/incoming", "https://ivr.example.test:443"),
    ],
)
def test_signature_with_or_without_the_default_port_is_accepted(
    client, signed_url: str, requested: str
) -> None:
    """Twilio is inconsistent about signing the port; either form passes, as in the library."""
    signed = {"X-Twilio-Signature": signature(TOKEN, signed_url, CALL)}
    response = client.post("/voice/incoming", data=CALL, headers=signed, base_url=requested)
    assert response.status_code == 200


def test_signature_for_another_port_is_refused(client) -> None:
    signed = {
        "X-Twilio-Signature": signature(TOKEN, "https://ivr.example.test:8443/voice/incoming", CALL)
    }
    response = client.post(
        "/voice/incoming", data=CALL, headers=signed, base_url="https://ivr.example.test"
    )
    assert response.status_code == 403


SHARED = "shared-key-secret-0123456789abcdef"
PUBLIC = "https://ivr.example.test"


def _shared_key_post(client, secret: str, algorithm: str | None, header: str | None = None):  # type: ignore[no-untyped-def]
    """POST /voice/incoming signed as a Webhook Rule makes Twilio sign it."""
    url = f"{PUBLIC}/voice/incoming"
    headers = {
        "X-Twilio-Signature": RequestValidator(secret).compute_signature(
            url, MultiDict(CALL), algorithm
        )
    }
    settings = header or (f"key=webhooks_sharedkey_x,algorithm={algorithm}" if algorithm else None)
    if settings:
        headers["X-Twilio-Webhooks-Signature-Settings"] = settings
    return client.post("/voice/incoming", data=CALL, headers=headers, base_url=PUBLIC)


@pytest.mark.parametrize("algorithm", ["HMAC_SHA256", "HMAC_SHA1"])
def test_shared_key_signature_named_in_the_settings_header_is_accepted(
    make_app, algorithm: str
) -> None:
    client = make_app(TWILIO_SHARED_KEY_SECRET=SHARED).test_client()
    accepted = _shared_key_post(client, SHARED, algorithm)
    assert accepted.status_code == 200
    parse(accepted.get_data(as_text=True))
    # The same request signed with the auth token under that header is not Twilio's.
    assert _shared_key_post(client, TOKEN, algorithm).status_code == 403


def test_sha256_signature_without_the_settings_header_is_refused(make_app) -> None:
    client = make_app(TWILIO_SHARED_KEY_SECRET=SHARED).test_client()
    url = f"{PUBLIC}/voice/incoming"
    sha256 = RequestValidator(SHARED).compute_signature(url, MultiDict(CALL), HMAC_SHA256)
    as_sha1 = client.post(
        "/voice/incoming", data=CALL, headers={"X-Twilio-Signature": sha256}, base_url=PUBLIC
    )
    assert as_sha1.status_code == 403


def test_auth_token_signing_keeps_working_with_a_shared_key_set(make_app) -> None:
    client = make_app(TWILIO_SHARED_KEY_SECRET=SHARED).test_client()
    assert _shared_key_post(client, TOKEN, None).status_code == 200


def test_the_rotation_secret_is_accepted_too(make_app) -> None:
    old = "the-previous-shared-key-secret"
    client = make_app(
        TWILIO_SHARED_KEY_SECRET=SHARED, TWILIO_SHARED_KEY_SECRET_PREVIOUS=old
    ).test_client()
    assert _shared_key_post(client, old, "HMAC_SHA256").status_code == 200
    assert _shared_key_post(client, SHARED, "HMAC_SHA256").status_code == 200
    assert _shared_key_post(client, "a-third-secret", "HMAC_SHA256").status_code == 403


def test_shared_key_header_without_a_secret_is_refused_and_logged_once(client, caplog) -> None:
    caplog.set_level("ERROR", logger="ivr.voice.security")
    for _ in range(3):
        assert _shared_key_post(client, TOKEN, "HMAC_SHA256").status_code == 403
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert "TWILIO_SHARED_KEY_SECRET" in errors[0].getMessage()


def test_unknown_signature_algorithm_is_refused(make_app) -> None:
    client = make_app(TWILIO_SHARED_KEY_SECRET=SHARED).test_client()
    header = "key=webhooks_sharedkey_x,algorithm=HMAC_SHA512"
    assert _shared_key_post(client, SHARED, "HMAC_SHA256", header).status_code == 403


@pytest.mark.parametrize("path", ["/voice/queue/wait", "/voice/queue/choice"])
def test_a_failing_queue_step_leaves_the_queue_instead_of_recording(
    app: Flask, monkeypatch, path: str
) -> None:
    """A waitUrl document may not hold <Record> or <Dial> (Twilio's <Enqueue> docs): the safety
    net there lets the caller leave the queue, and <Enqueue>'s action takes them on."""

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("ivr.voice.queue.state", explode)
    reply = InProcess(app, token=TOKEN).post(f"{path}?lang=nl", {**CALL, "Digits": "1"})
    assert reply.status == 200
    assert [verb.tag for verb in parse(reply.body)] == ["Leave"]


@pytest.mark.parametrize("attempt", ["9" * 4301, "²", "١"])
def test_an_attempt_count_the_flow_never_writes_is_read_as_none(app: Flask, attempt: str) -> None:
    """Thousands of digits (beyond int()'s limit) or a non-ASCII digit in the query: the caller
    still gets the menu, not the safety net."""
    url = f"/voice/queue/choice?lang=nl&attempt={quote(attempt)}"
    reply = InProcess(app, token=TOKEN).post(url, CALL)
    assert reply.status == 200
    assert "Record" not in [verb.tag for verb in parse(reply.body)]
