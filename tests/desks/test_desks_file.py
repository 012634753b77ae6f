"""DESKS_FILE is checked whole at start (issue 26): each fault stops the start with one message
naming the file, the desk and the key. Without it the environment forms the one desk `default`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from ivr.desk_file import DeskFileError
from ivr.domain.agreement import SEED
from ivr.domain.triage import Category, Impact, Severity
from tests.desks.conftest import BAYERN_NUMBER, TWO_DESKS

MINIMAL = """
[desk.ozmo]
numbers = ["+31413741742"]
"""


def start(make_app: Callable[..., Flask], tmp_path: Path, text: str) -> Flask:
    path = tmp_path / "desks.toml"
    path.write_text(text, encoding="utf-8")
    return make_app(DESKS_FILE=str(path))


def refused(make_app: Callable[..., Flask], tmp_path: Path, text: str) -> str:
    with pytest.raises(DeskFileError) as caught:
        start(make_app, tmp_path, text)
    message = str(caught.value)
    assert message.startswith(f"DESKS_FILE {tmp_path / 'desks.toml'}"), message
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("text", "where", "why"),
    [
        (MINIMAL + 'opening_hour = "mon-fri 08:00-17:00"\n', "desk 'ozmo', key 'opening_hour'",
         "unknown key"),
        (TWO_DESKS.replace(BAYERN_NUMBER, "+31413741742"), "desk 'bayern', key 'numbers'",
         "+31413741742 is claimed by desk 'ozmo' too"),
        (MINIMAL + 'opening_hours = "mon-fri 17:00-08:00"\n', "desk 'ozmo', key 'opening_hours'",
         ""),
        (MINIMAL + 'opening_hours = "someday 08:00-17:00"\n', "desk 'ozmo', key 'opening_hours'",
         ""),
        (MINIMAL + 'holidays = "XX"\n', "desk 'ozmo', key 'holidays'",
         "unknown to the holidays package"),
        (MINIMAL + 'holidays = "DE"\nholiday_subdivision = "ZZ"\n',
         "desk 'ozmo', key 'holiday_subdivision'", "unknown to the holidays package"),
        (MINIMAL + 'timezone = "Europe/Atlantis"\n', "desk 'ozmo', key 'timezone'",
         "unknown time zone 'Europe/Atlantis'"),
        (MINIMAL + 'languages = ["nl", "fr"]\n', "desk 'ozmo', key 'languages'",
         "unknown language 'fr'"),
        (MINIMAL.replace("desk.ozmo", 'desk."OZMO desk"'), "desk 'OZMO desk'",
         "a desk's key is lower-case letters"),
        (MINIMAL + 'numbers2 = 1\n', "desk 'ozmo', key 'numbers2'", "unknown key"),
        ('[desk.ozmo]\nnumbers = ["0413741742"]\n', "desk 'ozmo', key 'numbers'",
         "not an E.164 number"),
        (MINIMAL + "targets = {1 = {reaction = -5}}\n", "desk 'ozmo', key 'targets'",
         "whole minutes"),
        (MINIMAL + "matrix = {all_users = [1, 2]}\n", "desk 'ozmo', key 'matrix'",
         "three categories"),
        ("[desks.ozmo]\n", "key 'desks'", "unknown table"),
        ("[desk.ozmo\n", "", "is not valid TOML"),
    ],
    ids=[
        "unknown key", "number claimed twice", "hours backwards", "bad weekday",
        "unknown country", "unknown subdivision", "unknown time zone", "unknown language",
        "bad key name", "another unknown key", "not E.164", "bad target", "bad matrix",
        "unknown table", "not TOML",
    ],
)  # fmt: skip
def test_a_fault_stops_the_start_naming_file_desk_and_key(
    make_app, tmp_path: Path, text: str, where: str, why: str
) -> None:
    message = refused(make_app, tmp_path, text)
    assert where in message, message
    assert why in message, message


def test_a_missing_file_stops_the_start(make_app, tmp_path: Path) -> None:
    with pytest.raises(DeskFileError, match="cannot be read"):
        make_app(DESKS_FILE=str(tmp_path / "nowhere.toml"))


def test_without_desks_file_the_environment_is_the_one_desk_default(make_app) -> None:
    app = make_app(OPENING_HOURS="mon-fri 08:00-17:30", HOLIDAY_COUNTRY="DE", HOLIDAY_SUBDIV="BY")
    desks = app.extensions["ivr.desks"]
    assert desks.keys == ("default",)
    desk = desks.first
    assert app.extensions["ivr.desk"] is desk
    assert (desk.holidays.country, desk.holidays.subdiv) == ("DE", "BY")
    assert desk.languages == ("nl", "de")
    assert desk.agreement == SEED
    assert desk.origins["opening_hours"] == "environment: OPENING_HOURS"


def test_each_key_left_out_takes_the_environment_setting(make_app, tmp_path: Path) -> None:
    path = tmp_path / "desks.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    app = make_app(
        DESKS_FILE=str(path), OPENING_HOURS="mon-fri 07:00-19:00", FALLBACK_NUMBER="+31201234567"
    )
    (desk,) = app.extensions["ivr.desks"]
    assert desk.key == desk.name == "ozmo"
    assert desk.hours == app.extensions["ivr.desks"].first.hours
    assert desk.hours.intervals_on(0)[0][0].hour == 7
    assert desk.fallback_number == "+31201234567"
    assert desk.origins["fallback_number"] == "environment: FALLBACK_NUMBER"
    assert desk.origins["numbers"] == f"{path} [desk.ozmo]"


def test_the_agreement_is_read_per_desk(make_app, tmp_path: Path) -> None:
    app = start(
        make_app,
        tmp_path,
        MINIMAL
        + "standard_change_days = 3\nmaintenance_per_year = 12\nmaintenance_notice_days = 5\n"
        + "matrix = {one_user = [2, 3, 3]}\n"
        + "targets = {1 = {reaction = 15, restore = 120, status_report = 60}, "
        + "4 = {reaction = 480}}\n",
    )
    agreement = app.extensions["ivr.desks"].first.agreement
    assert agreement.standard_change_days == 3
    assert agreement.maintenance_per_year == 12
    assert agreement.maintenance_notice == timedelta(days=5)
    assert agreement.categorise(Impact.ONE_USER, Severity.CANNOT_WORK) == Category.TWO
    assert agreement.categorise(Impact.ALL_USERS, Severity.CANNOT_WORK) == Category.ONE
    one = agreement.targets_for(Category.ONE)
    assert (one.reaction, one.restore, one.status_report_every) == (
        timedelta(minutes=15),
        timedelta(hours=2),
        timedelta(hours=1),
    )
    four = agreement.targets_for(Category.FOUR)
    assert (four.reaction, four.restore) == (timedelta(hours=8), None)
    assert agreement.targets_for(Category.TWO) == SEED.targets_for(Category.TWO)
