"""A disruption's category is its desk's matrix (DESKS_FILE `matrix`), in the console and CLI."""

from __future__ import annotations

from pathlib import Path

from ivr.db import get_session
from ivr.models import Disruption
from tests.conftest import local
from tests.desks.conftest import OZMO_NUMBER


def test_a_disruption_is_categorised_by_its_desks_own_matrix(make_app, tmp_path: Path) -> None:
    path = tmp_path / "desks.toml"
    path.write_text(
        f'[desk.ozmo]\nnumbers = ["{OZMO_NUMBER}"]\n'
        "matrix = {one_user = [4, 4, 4]}\n",  # the seed says 3 for one user who cannot work
        encoding="utf-8",
    )
    app = make_app(DESKS_FILE=str(path))
    with app.app_context():
        session = get_session()
        session.add(
            Disruption(
                desk="ozmo",
                text_nl="Telefonie ligt eruit",
                text_de="Telefonie ausgefallen",
                severity="cannot_work",
                started_at=local(2026, 11, 30, 9, 0),
                started_by="lead",
            )
        )
        session.commit()
    listed = app.test_cli_runner().invoke(args=["disruptions", "list"]).output
    assert "category 4" in listed, listed
