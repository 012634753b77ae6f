"""The webhooks Twilio calls during a call. Thin: parse the form, call a service, render TwiML."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import HTTPException

from ivr import spool
from ivr.voice import security
from ivr.voice.twiml import fallback_response, twiml

bp = Blueprint("voice", __name__, url_prefix="/voice")
log = logging.getLogger(__name__)

bp.before_request(security.require_twilio_signature)


@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def unknown_step(error: HTTPException) -> Response | HTTPException:
    """A URL Twilio should never have been given still gets a caller somewhere."""
    if not request.path.startswith(f"{bp.url_prefix}/"):
        return error
    try:
        security.require_twilio_signature()
    except HTTPException as refused:
        return refused
    log.warning("voice %s on unknown step %s", error.code, request.path)
    return twiml(fallback_response())


@bp.errorhandler(Exception)
def safety_net(error: Exception) -> Response | HTTPException:
    """Twilio never sees a 500: whatever broke, the caller hears valid TwiML."""
    if isinstance(error, HTTPException) and error.code == 403:
        return error
    call_sid = request.form.get("CallSid", "-")
    if isinstance(error, HTTPException):
        log.warning("voice %s on %s (call %s)", error.code, request.path, call_sid)
    else:
        log.exception("voice webhook %s failed (call %s)", request.path, call_sid)
    return twiml(fallback_response())


def handle_incoming() -> VoiceResponse:
    response = VoiceResponse()
    response.hangup()
    return response


@bp.post("/incoming")
def incoming() -> Response:
    return twiml(handle_incoming())


@bp.post("/status")
def status() -> Response:
    return twiml(VoiceResponse())


@bp.post("/safe/recorded")
def safe_recorded() -> Response:
    """The fallback recording's action and status callback: spooled, no database needed."""
    form = request.form
    spool.append(
        current_app.config["SPOOL_DIR"],
        {
            "type": "fallback_recording",
            "call_sid": form.get("CallSid", ""),
            "from": form.get("From", ""),
            "recording_sid": form.get("RecordingSid", ""),
            "recording_url": form.get("RecordingUrl", ""),
            "recording_duration": form.get("RecordingDuration", ""),
        },
    )
    response = VoiceResponse()
    response.hangup()
    return twiml(response)
