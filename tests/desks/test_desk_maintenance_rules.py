"""A desk's own maintenance agreement (DESKS_FILE) is what the console says and enforces."""

from __future__ import annotations

from pathlib import Path

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.services.users import create_user
from tests.conftest import local
from tests.console.conftest import PASSWORD, log_in, post_form
from tests.desks.conftest import OZMO_NUMBER


def test_a_desks_notice_and_yearly_limit_are_said_and_enforced(
    make_app, tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "desks.toml"
    path.write_text(
        f'[desk.ozmo]\nnumbers = ["{OZMO_NUMBER}"]\n'
        "maintenance_notice_days = 5\nmaintenance_per_year = 12\n",
        encoding="utf-8",
    )
    app = make_app(DESKS_FILE=str(path))
    with app.app_context():
        create_user(get_session(), "lead", PASSWORD)
    lead = log_in(app.test_client(), "lead")
    clock.set(local(2026, 12, 1, 10, 0))  # a Tuesday; Saturday night is 4 days and 12 h away
    page = lead.get("/console/calendar").get_data(as_text=True)
    assert "announced at least 5 days ahead" in page and "At most 12 per calendar year" in page
    refused = post_form(
        lead,
        "/console/calendar",
        "/console/maintenance",
        start="2026-12-05T22:00",
        end="2026-12-06T02:00",
        description_nl="Telefooncentrale",
        description_de="Telefonanlage",
        consulted_party="ict_partner",
        consulted_name="Jan de Vries",
        consulted_on="2026-11-30",
    )
    assert refused.status_code == 422
    assert "announced at least 5 days ahead" in refused.get_data(as_text=True)
