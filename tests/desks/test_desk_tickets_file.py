"""A desk's ticket keys in DESKS_FILE are checked at start (issue 28): a secret written in the
file, an unknown key, an empty variable or an unknown system stops the start with one message
naming the file, the desk and the key. A desk without them has the environment's settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from ivr.services.desk import desk_settings
from ivr.services.desks import line_desks
from tests.desks.test_desks_file import MINIMAL, refused, start

TOPDESK = (
    MINIMAL + 'ticket_system = "topdesk"\n[desk.ozmo.topdesk]\nurl = "https://o.topdesk.net"\n'
)


@pytest.mark.parametrize(
    ("text", "key", "why"),
    [
        (TOPDESK + 'app_password = "s3cret"\n', "topdesk.app_password",
         "a secret is not written in the file: name its variable with app_password_env"),
        (MINIMAL + '[desk.ozmo.zammad]\ntoken = "abc"\n', "zammad.token",
         "a secret is not written in the file"),
        (MINIMAL + '[desk.ozmo.zammad]\ncti_url = "https://z/api/v1/cti/t"\n', "zammad.cti_url",
         "a secret is not written in the file"),
        (MINIMAL + '[desk.ozmo.webhook]\nsecret = "abc"\n', "webhook.secret",
         "a secret is not written in the file"),
        (TOPDESK + 'colour = "blue"\n', "topdesk.colour", "unknown key (known: url, username"),
        (TOPDESK + 'url_env = "H28DESK_UNSET_VARIABLE"\n', "topdesk.url_env",
         "the environment variable H28DESK_UNSET_VARIABLE is empty"),
        (TOPDESK + 'app_password_env = "H28DESK_UNSET_VARIABLE"\n', "topdesk.app_password_env",
         "the environment variable H28DESK_UNSET_VARIABLE is empty"),
        (TOPDESK + "app_password_env = 3\n", "topdesk.app_password_env",
         "must name an environment variable"),
        (MINIMAL + 'ticket_system = "jira"\n', "ticket_system", "must be one of webhook, topdesk"),
        (MINIMAL + 'topdesk = "https://o.topdesk.net"\n', "topdesk", "must be a table"),
        (MINIMAL + 'ticket_system = "zammad"\n[desk.ozmo.zammad]\nprio = 1\n', "zammad.prio",
         "unknown key"),
    ],
)  # fmt: skip
def test_a_wrong_ticket_key_stops_the_start_naming_desk_and_key(
    make_app: Callable[..., Flask],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    key: str,
    why: str,
) -> None:
    monkeypatch.setenv("H28DESK_UNSET_VARIABLE", "  ")
    message = refused(make_app, tmp_path, text)
    assert f"desk 'ozmo', key '{key}'" in message, message
    assert why in message, message
    assert "s3cret" not in message and "abc" not in message  # a secret is never echoed


def test_secrets_come_from_the_variables_the_file_names(
    make_app: Callable[..., Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OZMO_TOPDESK_APP_PASSWORD", "from-the-environment")
    text = TOPDESK + 'app_password_env = "OZMO_TOPDESK_APP_PASSWORD"\nattach_recording = true\n'
    app = start(make_app, tmp_path, text + 'priority_names = ["P1", "P2", "P3", "P4"]\n')
    (desk,) = line_desks(app.extensions)
    settings = desk_settings(app.config, desk)
    assert settings["TICKET_SYSTEM"] == "topdesk" and desk.handoff
    assert settings["TOPDESK_APP_PASSWORD"] == "from-the-environment"
    assert settings["TOPDESK_URL"] == "https://o.topdesk.net"
    assert settings["TOPDESK_ATTACH_RECORDING"] is True
    assert tuple(settings["TOPDESK_PRIORITY_NAMES"]) == ("P1", "P2", "P3", "P4")
    assert settings["TOPDESK_USERNAME"] == app.config["TOPDESK_USERNAME"]  # the environment's
    assert "from-the-environment" not in repr(desk)


def test_a_desk_without_ticket_keys_has_the_environments_settings(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = start(make_app, tmp_path, MINIMAL)
    (desk,) = line_desks(app.extensions)
    assert desk.tickets == {}
    assert desk_settings(app.config, desk) is app.config


def test_ticket_system_empty_means_none_for_that_desk(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    path = tmp_path / "desks.toml"
    path.write_text(MINIMAL + 'ticket_system = ""\n', encoding="utf-8")
    app = make_app(DESKS_FILE=str(path), INCIDENT_WEBHOOK_URL="https://hooks.example/in")
    (desk,) = line_desks(app.extensions)
    assert not desk.handoff  # the environment's webhook is not this desk's
