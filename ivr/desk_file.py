"""DESKS_FILE (issue 26): the desks of one line, declared in TOML, checked whole at start.

    [desk.ozmo]
    name = "OZMO helpdesk"
    numbers = ["+31413741742"]
    languages = ["nl", "de"]
    opening_hours = "mon-fri 08:30-17:00"
    timezone = "Europe/Amsterdam"
    holidays = "NL"

Every key but `name` and `numbers` defaults to the environment's setting (DESK_KEYS). A fault
stops the start with one message naming the file, the desk and the key (`DeskFileError`).
Without DESKS_FILE the environment forms the one desk `default`, exactly as before.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_package

from ivr.caller_id import E164
from ivr.desk_tickets import TABLE_KEYS, TicketKeyError, desk_tickets
from ivr.domain.agreement import SEED, Agreement, parse_matrix, parse_targets
from ivr.domain.holidays import HolidayCalendar
from ivr.domain.hours import OpeningHours, describe_compact
from ivr.domain.sla import Targets
from ivr.i18n import LOCALES
from ivr.models import DESK_KEY_LENGTH
from ivr.services.desk import AnnouncementCache, ClosureCache, Desk
from ivr.services.desks import Desks

KEY_NAME = re.compile(rf"^[a-z][a-z0-9_-]{{0,{DESK_KEY_LENGTH - 1}}}$")
ENVIRONMENT = "environment"
BUILT_IN = "built in"


@dataclass(frozen=True)
class DeskKey:
    """One key of a `[desk.<key>]` table: the environment setting it defaults to (or None)."""

    name: str
    setting: str | None
    help: str


# Every key a desk may have, in the order `desks show` lists them.
DESK_KEYS: tuple[DeskKey, ...] = (
    DeskKey("name", None, "the desk's name (default: its key)"),
    DeskKey("numbers", None, "the numbers (E.164, Twilio's `To`) that reach it"),
    DeskKey("languages", None, "its languages in menu order, the first greets (default nl, de)"),
    DeskKey("opening_hours", "OPENING_HOURS", "opening intervals"),
    DeskKey("timezone", "IVR_TIMEZONE", "time zone of the opening hours"),
    DeskKey("holidays", "HOLIDAY_COUNTRY", "country of its public holidays (`holidays`)"),
    DeskKey("holiday_subdivision", "HOLIDAY_SUBDIV", "subdivision (a German Land: BY, BE …)"),
    DeskKey("holiday_categories", "HOLIDAY_CATEGORIES", "`holidays` categories"),
    DeskKey("fallback_number", "FALLBACK_NUMBER", "dialled when nothing else can route a caller"),
    DeskKey("messages_from", "MESSAGES_FROM", "the sender of its text messages"),
    DeskKey("matrix", None, "impact × severity → category (default: the seed's matrix)"),
    DeskKey("targets", None, "reaction/restore/status_report minutes per category"),
    DeskKey("standard_change_days", None, "working days to carry out a standard change (2)"),
    DeskKey("maintenance_per_year", None, "maintenance windows per calendar year (24)"),
    DeskKey("maintenance_notice_days", None, "days' notice of a maintenance window (3)"),
)
KNOWN_KEYS = tuple(k.name for k in DESK_KEYS)
# The desk's own ticket system (issue 28; ivr/desk_tickets.py): not shown among DESK_KEYS.
TABLE_KNOWN = (*KNOWN_KEYS, *TABLE_KEYS)
LANGUAGES_DEFAULT = ("nl", "de")


class DeskFileError(ValueError):
    """DESKS_FILE cannot be used as written; the message names the file, the desk and the key."""

    def __init__(self, path: str | Path, desk: str | None, key: str | None, why: str) -> None:
        where = f"DESKS_FILE {path}"
        if desk is not None:
            where += f": desk {desk!r}"
        if key is not None:
            where += f", key {key!r}"
        super().__init__(f"{where}: {why}")
        self.path, self.desk, self.key = str(path), desk, key


def environment_desk(config: Mapping[str, Any]) -> Desk:
    """The one desk of a line without DESKS_FILE: today's settings, key `default`."""
    origins = {k.name: f"{ENVIRONMENT}: {k.setting}" for k in DESK_KEYS if k.setting}
    origins |= {k.name: BUILT_IN for k in DESK_KEYS if not k.setting}
    origins["name"] = origins["numbers"] = ENVIRONMENT
    return Desk.from_config(config, origins=origins)


def load_desks(config: Mapping[str, Any]) -> Desks:
    """The line's desks: from DESKS_FILE when it is set, else the environment's one desk."""
    path = config.get("DESKS_FILE") or ""
    if not path:
        return Desks((environment_desk(config),))
    return Desks(read_desks_file(Path(path), config))


def read_desks_file(path: Path, config: Mapping[str, Any]) -> tuple[Desk, ...]:
    try:
        with path.open("rb") as file:
            document = tomllib.load(file)
    except OSError as exc:
        raise DeskFileError(path, None, None, f"cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise DeskFileError(path, None, None, f"is not valid TOML ({exc})") from None
    unknown = set(document) - {"desk"}
    if unknown:
        table = sorted(unknown)[0]
        raise DeskFileError(path, None, table, "unknown table: desks are [desk.<key>]")
    tables = document.get("desk")
    if not isinstance(tables, dict) or not tables:
        raise DeskFileError(path, None, "desk", "declares no desk ([desk.<key>] tables)")
    desks: list[Desk] = []
    claimed: dict[str, str] = {}
    # One cache of each for all desks: every desk's closures (announcements) are read in one
    # statement, so twenty desks cost the database what one does.
    caches = {
        "closures": ClosureCache(config["CLOSURES_CACHE_SECONDS"]),
        "announcements": AnnouncementCache(config["ANNOUNCEMENTS_CACHE_SECONDS"]),
    }
    for key, table in tables.items():
        if not KEY_NAME.match(key):
            raise DeskFileError(
                path,
                key,
                None,
                f"a desk's key is lower-case letters, digits, - and _, starting with a letter, "
                f"at most {DESK_KEY_LENGTH} characters",
            )
        if not isinstance(table, dict):
            raise DeskFileError(path, key, None, "must be a table ([desk.<key>])")
        desk = _desk(path, key, table, config, caches)
        for number in desk.numbers:
            if number in claimed:
                raise DeskFileError(
                    path, key, "numbers", f"{number} is claimed by desk {claimed[number]!r} too"
                )
            claimed[number] = key
        desks.append(desk)
    return tuple(desks)


def _desk(
    path: Path,
    key: str,
    table: Mapping[str, Any],
    config: Mapping[str, Any],
    caches: Mapping[str, Any],
) -> Desk:
    unknown = [name for name in table if name not in TABLE_KNOWN]
    if unknown:
        raise DeskFileError(path, key, unknown[0], f"unknown key (known: {', '.join(TABLE_KNOWN)})")
    try:
        tickets = desk_tickets(table)
    except TicketKeyError as exc:
        raise DeskFileError(path, key, exc.key, str(exc)) from None
    here = f"{path} [desk.{key}]"
    origins = {
        k.name: here
        if k.name in table
        else (f"{ENVIRONMENT}: {k.setting}" if k.setting else BUILT_IN)
        for k in DESK_KEYS
    }

    def value(name: str, parse: Callable[[Any], Any], default: Any) -> Any:
        if name not in table:
            return default
        try:
            return parse(table[name])
        except (ValueError, TypeError) as exc:
            raise DeskFileError(path, key, name, str(exc)) from None

    hours = value("opening_hours", lambda v: OpeningHours.parse(_text(v)), None)
    zone = value("timezone", _zone, None)
    country = value("holidays", _text, config["HOLIDAY_COUNTRY"])
    subdiv = value("holiday_subdivision", _text, config["HOLIDAY_SUBDIV"]) or None
    categories = value("holiday_categories", _texts, tuple(config["HOLIDAY_CATEGORIES"])) or None
    calendar = HolidayCalendar(country=country, subdiv=subdiv, categories=categories)
    _check_holidays(path, key, table, calendar)
    agreement = Agreement(
        matrix=value("matrix", parse_matrix, SEED.matrix),
        targets=value("targets", parse_targets, SEED.targets),
        standard_change_days=value("standard_change_days", _count, SEED.standard_change_days),
        maintenance_per_year=value("maintenance_per_year", _count, SEED.maintenance_per_year),
        maintenance_notice=value(
            "maintenance_notice_days", lambda v: timedelta(days=_count(v)), SEED.maintenance_notice
        ),
    )
    overrides: dict[str, Any] = {
        "key": key,
        "name": value("name", _text, key),
        "numbers": value("numbers", _numbers, ()),
        "languages": value("languages", _languages, LANGUAGES_DEFAULT),
        "holidays": calendar,
        "fallback_number": value("fallback_number", _number_or_empty, config["FALLBACK_NUMBER"]),
        "messages_from": value("messages_from", _text, config["MESSAGES_FROM"]),
        "agreement": agreement,
        "origins": origins,
        "tickets": tickets,
        **caches,
    }
    if hours is not None:
        overrides["hours"] = hours
    if zone is not None:
        overrides["tz"] = zone
    return Desk.from_config(config, **overrides)


def _check_holidays(
    path: Path, key: str, table: Mapping[str, Any], calendar: HolidayCalendar
) -> None:
    """The `holidays` package must know the country, subdivision and categories."""
    try:
        holidays_package.country_holidays(
            calendar.country,
            subdiv=calendar.subdiv,
            years=2026,
            **({"categories": calendar.categories} if calendar.categories else {}),
        )
    except NotImplementedError as exc:
        name = "holidays" if "Country" in str(exc) else "holiday_subdivision"
        raise DeskFileError(path, key, name, f"unknown to the holidays package ({exc})") from None
    except ValueError as exc:
        name = "holiday_categories" if "holiday_categories" in table else "holidays"
        raise DeskFileError(path, key, name, f"unknown to the holidays package ({exc})") from None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value.strip()


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("must be a whole number, 0 or more")
    return value


def _zone(value: Any) -> ZoneInfo:
    text = _text(value)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {text!r}") from None


def _numbers(value: Any) -> tuple[str, ...]:
    numbers = _texts(value)
    for number in numbers:
        if not E164.match(number):
            raise ValueError(f"{number!r} is not an E.164 number (+31…)")
    if len(set(numbers)) != len(numbers):
        raise ValueError("a number is listed twice")
    return numbers


def _number_or_empty(value: Any) -> str:
    number = _text(value)
    if number and not E164.match(number):
        raise ValueError(f"{number!r} is not an E.164 number (+31…)")
    return number


def _languages(value: Any) -> tuple[str, ...]:
    languages = _texts(value)
    if not languages:
        raise ValueError("name at least one language")
    for language in languages:
        if language not in LOCALES:
            raise ValueError(f"unknown language {language!r} (known: {', '.join(LOCALES)})")
    if len(set(languages)) != len(languages):
        raise ValueError("a language is listed twice")
    return languages


@dataclass(frozen=True)
class Shown:
    """One of a desk's settings as `desks show` and the console's desks page show it."""

    key: str
    value: str
    origin: str

    @property
    def kind(self) -> str:
        """`file`, `environment` (a variable, named by `detail`) or `built in`."""
        if self.origin.startswith(ENVIRONMENT):
            return "environment" if self.detail else "built in"
        return "built in" if self.origin == BUILT_IN else "file"

    @property
    def detail(self) -> str:
        """The environment variable, or the file and table."""
        if self.origin.startswith(f"{ENVIRONMENT}: "):
            return self.origin.removeprefix(f"{ENVIRONMENT}: ")
        return "" if self.origin in (ENVIRONMENT, BUILT_IN) else self.origin


def shown_settings(desk: Desk) -> list[Shown]:
    """Every setting of `desk` in DESK_KEYS order, as text, with where it came from."""
    agreement = desk.agreement
    values = {
        "name": desk.name,
        "numbers": ", ".join(desk.numbers) or "(none: reached as the first desk)",
        "languages": ", ".join(desk.languages),
        "opening_hours": describe_compact(desk.hours),
        "timezone": desk.tz.key,
        "holidays": desk.holidays.country,
        "holiday_subdivision": desk.holidays.subdiv or "",
        "holiday_categories": ", ".join(desk.holidays.categories or ()),
        "fallback_number": desk.fallback_number,
        "messages_from": desk.messages_from,
        "matrix": "; ".join(
            f"{impact.value} {'/'.join(str(int(c)) for c in agreement.matrix[impact])}"
            for impact in agreement.matrix
        ),
        "targets": "; ".join(
            f"{int(c)}: {_target_text(agreement.targets[c])}" for c in sorted(agreement.targets)
        ),
        "standard_change_days": str(agreement.standard_change_days),
        "maintenance_per_year": str(agreement.maintenance_per_year),
        "maintenance_notice_days": str(agreement.maintenance_notice.days),
    }
    return [Shown(k.name, values[k.name], desk.origins.get(k.name, ENVIRONMENT)) for k in DESK_KEYS]


def _target_text(targets: Targets) -> str:
    def minutes(value: timedelta | None) -> str:
        return f"{value // timedelta(minutes=1)} min" if value is not None else "by appointment"

    return (
        f"reaction {minutes(targets.reaction)}, restore {minutes(targets.restore)}, "
        f"status report {minutes(targets.status_report_every)}"
    )


def source_of(desk: Desk) -> str:
    """The file a desk was declared in, or the environment."""
    return desk.origins.get("numbers", ENVIRONMENT).split(" [desk.")[0]
