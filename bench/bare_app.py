"""The yardstick: a bare Flask endpoint that answers every webhook with one fixed TwiML document.

No database, no signature check, no catalogs: what any Flask app on the same gunicorn costs.
Its `<Gather>` points back at itself, so the benchmark's Twilio-like client walks it the same
way it walks the real line, request for request.
"""

from __future__ import annotations

from flask import Flask, Response

TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Response><Gather action="/twiml" input="dtmf" numDigits="1" timeout="5">'
    '<Say language="nl-NL">Kies 1.</Say></Gather></Response>'
)

app = Flask(__name__)


@app.post("/twiml")
def twiml() -> Response:
    return Response(TWIML, mimetype="text/xml")


@app.post("/status")
def status() -> Response:
    return Response(TWIML, mimetype="text/xml")


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
