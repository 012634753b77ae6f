"""Several desks on one line for a test, until DESKS_FILE declares them (issue 26)."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Flask

from ivr.services.desk import Desk
from ivr.services.desks import Desks

DESK_A_NUMBER = "+31413741742"  # tests/voice/conftest.py DESK_NUMBER: the fake's line number
DESK_B_NUMBER = "+31207654321"


def two_desks(app: Flask, **b_changes: Any) -> Desks:
    """Desk A ("a", "Desk A") and desk B ("b", "Desk B"), each with its own number; every
    other setting is the environment's desk (with `b_changes` for B, e.g. its hours).

    The one helper for the voice, console and CLI tests alike. Desk A becomes "ivr.desk" as well:
    `line_desks` takes "ivr.desk" for the first desk when its key matches, so a test that later
    replaces "ivr.desk" with a changed desk A changes the first desk, as it would on one desk."""
    env: Desk = app.extensions["ivr.desk"]
    desks = Desks(
        (
            dataclasses.replace(env, key="a", name="Desk A", numbers=(DESK_A_NUMBER,)),
            dataclasses.replace(env, key="b", name="Desk B", numbers=(DESK_B_NUMBER,), **b_changes),
        )
    )
    app.extensions["ivr.desks"] = desks
    app.extensions["ivr.desk"] = desks.first
    return desks
