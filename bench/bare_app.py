"""The yardstick: a bare Flask endpoint that answers every webhook with one fixed TwiML document.

No database, no signature check, no catalogs: what any Flask app on the same gunicorn costs.
Its `<Gather>` points back at itself, so the benchmark's Twilio-like client walks it the same
way it walks the real line, request for request.

`/twiml/commit` is the second yardstick: the same answer after one durable SQLite commit (a row
with the CallSid, WAL with the default synchronous=FULL, as the line runs SQLite) in
`BARE_SQLITE`: what any app that keeps a fact before it answers costs at least.
"""

from __future__ import annotations

import os
import sqlite3
import threading

from flask import Flask, Response, request

TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Response><Gather action="/twiml" input="dtmf" numDigits="1" timeout="5">'
    '<Say language="nl-NL">Kies 1.</Say></Gather></Response>'
)

app = Flask(__name__)


@app.post("/twiml")
def twiml() -> Response:
    return Response(TWIML, mimetype="text/xml")


_local = threading.local()


def prepare(path: str) -> sqlite3.Connection:
    """The yardstick's database, in WAL mode with its table; bench/run.py prepares it before the
    workers start (switching to WAL while another worker holds the file fails at once with
    "database is locked")."""
    connection = sqlite3.connect(path, timeout=3, isolation_level=None)
    if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":  # kept in the file
        connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE IF NOT EXISTS calls (call_sid TEXT PRIMARY KEY)")
    return connection


def _database() -> sqlite3.Connection:
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = prepare(os.environ["BARE_SQLITE"])
        _local.connection = connection
    return connection


@app.post("/twiml/commit")
def twiml_after_commit() -> Response:
    database = _database()
    database.execute("BEGIN IMMEDIATE")
    database.execute(
        "INSERT OR IGNORE INTO calls (call_sid) VALUES (?)", (request.form.get("CallSid", ""),)
    )
    database.execute("COMMIT")
    return Response(TWIML, mimetype="text/xml")


@app.post("/status")
def status() -> Response:
    return Response(TWIML, mimetype="text/xml")


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
