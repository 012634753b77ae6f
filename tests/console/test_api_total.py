"""The API list's `total` is counted up to a cap (issue 30): a page costs the same over years of
history; `total=exact` counts every match; `total_capped` says which."""

from __future__ import annotations

import pytest

import ivr.api
from tests.conftest import local
from tests.console import test_api

api = test_api.api  # the fixture: a token's GET


def test_the_total_is_exact_up_to_the_cap(api, report, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    refs = [report(local(2026, 11, 28, 22, m), "1111", caller=f"+3161234560{m}") for m in range(3)]
    page = api("/api/incidents?limit=1").json
    assert (page["total"], page["total_capped"]) == (3, False)
    monkeypatch.setattr(ivr.api, "TOTAL_COUNTED", 3)
    assert (api("/api/incidents").json["total"], api("/api/incidents").json["total_capped"]) == (
        3,
        False,
    )
    monkeypatch.setattr(ivr.api, "TOTAL_COUNTED", 2)
    capped = api("/api/incidents?limit=1&offset=2").json
    assert (capped["total"], capped["total_capped"]) == (2, True)
    assert [i["reference"] for i in capped["incidents"]] == [refs[0]]  # paging goes on past it
    exact = api("/api/incidents?total=exact&limit=1").json
    assert (exact["total"], exact["total_capped"]) == (3, False)
    filtered = api("/api/incidents?status=open&since=2026-11-28T22:01").json
    assert (filtered["total"], filtered["total_capped"]) == (2, False)


def test_total_is_exact_or_left_out(api) -> None:  # type: ignore[no-untyped-def]
    answer = api("/api/incidents?total=estimate")
    assert answer.status_code == 400
    assert "total must be exact" in answer.get_data(as_text=True)


@pytest.mark.parametrize("value", ["²", "١٠", "1" * 5000])
def test_paging_in_other_digits_is_refused_with_the_reason(api, value: str) -> None:  # type: ignore[no-untyped-def]
    for name in ("limit", "offset"):
        answer = api(f"/api/incidents?{name}={value}")
        assert answer.status_code == 400
        assert f"{name} must be a whole number" in answer.get_data(as_text=True)
