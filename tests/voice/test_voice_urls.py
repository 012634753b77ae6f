"""The call flow's URLs (voice_url) are exactly the URLs `url_for` builds."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from flask import Flask, url_for
from hypothesis import given, settings
from hypothesis import strategies as st

from ivr import create_app
from ivr.voice.urls import voice_url


@functools.cache
def _app() -> Flask:
    return create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "urls", "LOG_LEVEL": "WARNING"})


ENDPOINTS = sorted(
    r.endpoint for r in _app().url_map.iter_rules() if r.endpoint.startswith("voice.")
)
PATH_VALUES = {
    "step": st.sampled_from(["language", "purpose", "impact", "a b", "ä/ö"]),
    "offer": st.integers(1, 2**31 - 1),
}
QUERY_TEXT = st.text(
    alphabet=st.sampled_from([*"aZ09 _.-~!$'()*,/:;?@&=+#%\"<>äß€\n"]), max_size=10
)
QUERY_VALUES = st.one_of(QUERY_TEXT, st.integers(-5, 10**15), st.booleans(), st.none())
QUERIES = st.dictionaries(
    st.sampled_from(["lang", "kind", "ref", "rcv", "attempt", "dis", "after", "want", "a b", "ä"]),
    QUERY_VALUES,
    max_size=6,
)


def _path_values(endpoint: str) -> st.SearchStrategy[dict[str, Any]]:
    rule = next(_app().url_map.iter_rules(endpoint))
    return st.fixed_dictionaries({name: PATH_VALUES[name] for name in rule.arguments})


@pytest.mark.parametrize("script_root", ["", "/line"])
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_every_voice_url_is_the_one_url_for_builds(script_root: str, data: st.DataObject) -> None:
    endpoint = data.draw(st.sampled_from(ENDPOINTS))
    values = {**data.draw(QUERIES), **data.draw(_path_values(endpoint))}
    with _app().test_request_context(
        "/voice/incoming", base_url=f"https://ivr.example.test{script_root}"
    ):
        assert voice_url(endpoint, **values) == url_for(endpoint, **values)


def test_the_path_part_is_remembered_per_script_root() -> None:
    app = _app()
    for root in ("", "/line", ""):
        with app.test_request_context("/", base_url=f"https://ivr.example.test{root}"):
            assert (
                voice_url("voice.menu", step="impact", lang="de")
                == f"{root}/voice/menu/impact?lang=de"
            )


def test_paths_with_ever_new_values_do_not_pile_up() -> None:
    """An offer's id is in its URLs' path: a long-running worker must not keep every one."""
    app = _app()
    with app.test_request_context("/", base_url="https://ivr.example.test"):
        for offer in range(1, 3000):
            assert voice_url("voice.offer_answer", offer=offer) == url_for(
                "voice.offer_answer", offer=offer
            )
        assert len(app.extensions["ivr.voice_url_paths"]) <= 1024
