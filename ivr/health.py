"""`GET /healthz`: is the service up and can it reach its database; `GET /readyz`: can it take
calls (database at the newest schema, catalogs compiled, spool writable)."""

from __future__ import annotations

import logging
import tempfile
from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from ivr import console_catalogs
from ivr.config import ROOT
from ivr.db import get_database
from ivr.i18n import LOCALES, PROMPTS_DIR

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    try:
        get_database().ping()
    except SQLAlchemyError as exc:
        log.error("health check: database unreachable: %s", type(exc).__name__)
        return jsonify(status="degraded", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """Ready for callers: the database answers at the newest schema, the catalogs are compiled
    and the spool can be written to. A load balancer or container sends no traffic otherwise."""
    problems = readiness_problems()
    if problems:
        log.error("not ready: %s", "; ".join(problems))
        return jsonify(status="not ready", reasons=problems), 503
    return jsonify(status="ready")


def readiness_problems() -> list[str]:
    problems = _database_problems()
    problems += [f"catalog not compiled: {_shown(po)}" for po in uncompiled_catalogs()]
    spool_dir = Path(current_app.extensions["ivr.desk"].spool_dir)
    if not _writable(spool_dir):
        problems.append(f"spool directory not writable: {spool_dir}")
    return problems


def _database_problems() -> list[str]:
    try:
        with get_database().engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        return [f"database unreachable ({type(exc).__name__})"]
    if revision != schema_head():
        return [f"database schema at {revision or 'nothing'}, not at {schema_head()}: migrate it"]
    return []


@cache
def schema_head() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def catalog_sources() -> list[Path]:
    """Every .po file the line reads through its compiled .mo twin."""
    return [PROMPTS_DIR / locale / "LC_MESSAGES" / "messages.po" for locale in LOCALES] + [
        console_catalogs.po_path(locale) for locale in LOCALES
    ]


def uncompiled_catalogs() -> list[Path]:
    """The .po files whose .mo is missing or older (`python -m ivr.catalogs compile`)."""
    stale = []
    for po in catalog_sources():
        mo = po.with_suffix(".mo")
        if not mo.exists() or (po.exists() and mo.stat().st_mtime_ns < po.stat().st_mtime_ns):
            stale.append(po)
    return stale


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _writable(directory: Path) -> bool:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            return True
    except OSError:
        return False
