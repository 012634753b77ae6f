"""The /voice blueprint: signature check first, and a safety net so Twilio never sees a 500."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request
from flask.blueprints import BlueprintSetupState
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import HTTPException

from ivr import error_pages
from ivr.telemetry.endpoint import note_fallback
from ivr.voice import context, security
from ivr.voice.twiml import fallback_response, twiml

bp = Blueprint("voice", __name__, url_prefix="/voice")
log = logging.getLogger(__name__)

# The endpoints Twilio requests for a caller inside <Enqueue> (its waitUrl and that document's
# <Gather> actions).
IN_THE_QUEUE = frozenset({"voice.queue_wait", "voice.queue_choice", "voice.queue_summary"})

bp.before_request(security.require_twilio_signature)
# What the caller said is committed after the answer is built and before Twilio receives it.
bp.after_request(context.keep_facts)
bp.teardown_request(context.abandon_facts)


@bp.record_once
def _register_unknown_step(state: BlueprintSetupState) -> None:
    error_pages.register(state.app, f"{bp.url_prefix}/", unknown_step, (404, 405))


def unknown_step(error: HTTPException) -> Response | HTTPException:
    """A URL Twilio should never have been given still gets a caller somewhere."""
    try:
        security.require_twilio_signature()
    except HTTPException as refused:
        return refused
    if error.code == 405:
        # Twilio itself sent this (it is signed): the number's webhook is set to GET. Answering
        # TwiML would quietly send every caller down the apology path; a 405 makes Twilio log
        # the error and use the number's "Primary handler fails" document instead.
        log.error(
            "!!! Twilio sent %s %s: set the number's voice webhooks to HTTP POST in the Twilio "
            "console (refused with 405) !!!",
            request.method,
            request.path,
        )
        return error
    log.warning("voice %s on unknown step %s", error.code, request.path)
    return twiml(fallback_response())


@bp.errorhandler(Exception)
def safety_net(error: Exception) -> Response | HTTPException:
    """Whatever broke, the caller hears valid TwiML; the log says which call and step."""
    if isinstance(error, HTTPException) and error.code == 403:
        return error
    note_fallback()
    call_sid = request.form.get("CallSid", "-")[:64]
    if isinstance(error, HTTPException):
        log.warning("voice %s on %s (call %s)", error.code, request.path, call_sid)
    else:
        log.exception("voice webhook %s failed (call %s)", request.path, call_sid)
    if request.endpoint in IN_THE_QUEUE:
        # A waitUrl document may not <Record> or <Dial>: the caller leaves the queue, and
        # <Enqueue>'s action (voice.queue_left) takes them on to a person or a report.
        response = VoiceResponse()
        response.leave()
        return twiml(response)
    if request.endpoint == "voice.queue_bridge":
        return twiml(VoiceResponse())  # the agent's <Dial><Queue url>: the bridge goes ahead
    return twiml(fallback_response())
