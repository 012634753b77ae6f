"""How a setting's text becomes its value: the `Setting` record and the parsers it names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def caller_id_choice(value: str) -> str:
    choice = value.strip().lower()
    if choice not in {"line", "caller"}:
        raise ValueError(f"AGENT_CALLER_ID must be 'line' or 'caller', not {value!r}")
    return choice


def agent_pin(value: str) -> str:
    pin = value.strip()
    if pin and not (pin.isdigit() and pin.isascii() and 4 <= len(pin) <= 12):
        raise ValueError("AGENT_PHONE_PIN must be 4 to 12 digits (or empty)")
    return pin


def comma_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def by_position(value: str) -> tuple[str, ...]:
    """A comma list whose places mean something (category 1, 2, ...): empty places are kept."""
    return tuple(part.strip() for part in value.split(",")) if value.strip() else ()


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    parse: Callable[[str], Any] = str
