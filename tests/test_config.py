"""Configuration: defaults, parsing, and the manual's table of it."""

from __future__ import annotations

from pathlib import Path

from ivr.config import ROOT, load_config, settings_table


def test_defaults_are_safe() -> None:
    config = load_config({})
    assert config["DATABASE_URL"].startswith("sqlite:///")
    assert config["IVR_DEV_UNSIGNED"] is False
    assert config["IVR_ALLOW_CLOCK_HEADER"] is False
    assert config["OPENING_HOURS"] == "mon-fri 08:30-17:00"
    assert config["IVR_TIMEZONE"] == "Europe/Amsterdam"
    assert config["HOLIDAY_COUNTRY"] == "NL"


def test_values_are_parsed() -> None:
    config = load_config(
        {
            "PROXY_TRUSTED_HOPS": "2",
            "IVR_DEV_UNSIGNED": "yes",
            "HOLIDAY_CATEGORIES": "public, optional",
        }
    )
    assert config["PROXY_TRUSTED_HOPS"] == 2
    assert config["IVR_DEV_UNSIGNED"] is True
    assert config["HOLIDAY_CATEGORIES"] == ("public", "optional")


def test_the_manual_lists_every_setting() -> None:
    page = (Path(ROOT) / "docs" / "run" / "settings.md").read_text(encoding="utf-8")
    assert settings_table() in page, "docs/run/settings.md is stale: python -m ivr.config"
