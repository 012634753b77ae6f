"""The line's request class reads an urlencoded body as Werkzeug does, in one step (issue 30)."""

from __future__ import annotations

import io

import pytest
from flask import Flask, Request
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import RequestEntityTooLarge

from ivr.flask_app import URLENCODED, LineApp, LineRequest, Params

app = LineApp(__name__)
plain = Flask(__name__)

PIECES = st.sampled_from(["&", "=", "+", "%", "%2", "%41", "%e2%82%ac", "%ff", "a", "é", " ", ";"])
BODIES = st.one_of(
    st.binary(max_size=80),
    st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=20).map(
        lambda parts: "".join(parts).encode()
    ),
)


def environ(body: bytes, content_type: str = URLENCODED, **extra: object) -> dict[str, object]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/voice/incoming",
        "QUERY_STRING": "lang=nl&step=",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        **extra,
    }


def both(body: bytes, content_type: str = URLENCODED, **extra: object) -> tuple[Request, Request]:
    with app.app_context():
        ours = LineRequest(environ(body, content_type, **extra))
        ours.form  # noqa: B018  (parsed inside the app, as in a request)
    with plain.app_context():
        theirs = Request(environ(body, content_type, **extra))
        theirs.form  # noqa: B018
    return ours, theirs


@settings(max_examples=300, deadline=None)
@given(BODIES)
def test_a_form_is_what_werkzeug_reads(body: bytes) -> None:
    ours, theirs = both(body)
    assert list(ours.form.items(multi=True)) == list(theirs.form.items(multi=True))
    assert not ours.files and not theirs.files
    assert ours.get_data() == theirs.get_data()


@given(st.text(max_size=6), st.text(max_size=6))
def test_get_answers_as_werkzeug_without_raising(name: str, other: str) -> None:
    ours = Params([(name, "1"), (name, "2")])
    assert ours.get(name) == "1"
    assert ours.get(other + "\0") is None
    assert ours.get(other + "\0", "x") == "x"
    assert Params([(name, "7")]).get(name, type=int) == 7
    assert Params([(name, "x")]).get(name, -1, type=int) == -1


def test_the_query_string_too() -> None:
    ours, theirs = both(b"")
    assert isinstance(ours.args, Params)
    assert ours.args.to_dict(flat=False) == theirs.args.to_dict(flat=False)
    assert ours.args.get("step") == "" and ours.args.get("missing") is None


def test_other_bodies_go_werkzeugs_way() -> None:
    body = b"--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--\r\n"
    ours, theirs = both(body, "multipart/form-data; boundary=b")
    assert ours.form.to_dict() == theirs.form.to_dict() == {"a": "1"}
    charset = "application/x-www-form-urlencoded; charset=utf-8"
    ours, theirs = both(b"a=%C3%A9&b", charset)
    assert ours.form.to_dict() == theirs.form.to_dict() == {"a": "é", "b": ""}


def test_the_length_limit_holds() -> None:
    app.config["MAX_CONTENT_LENGTH"] = 4
    try:
        with app.app_context(), pytest.raises(RequestEntityTooLarge):
            LineRequest(environ(b"CallSid=CA1")).form  # noqa: B018
    finally:
        app.config["MAX_CONTENT_LENGTH"] = None


def test_a_stream_the_server_terminates_is_read_whole() -> None:
    ours, theirs = both(b"a=1&b=2", **{"wsgi.input_terminated": True})
    assert ours.form.to_dict() == theirs.form.to_dict() == {"a": "1", "b": "2"}
