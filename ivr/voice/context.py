"""What every webhook needs: the request's call, its flow state, the desk, and keeping events."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask import Response, current_app, g, request
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import VoiceResponse

from ivr import services
from ivr.db import Database, get_database, get_session
from ivr.domain.calendar import BusinessCalendar
from ivr.domain.call_flow import Step
from ivr.domain.reference import new_reference
from ivr.services import recorder
from ivr.services.desk import Desk, business_calendar
from ivr.services.desks import Desks, line_desks
from ivr.services.dispatch import Dispatcher, Links
from ivr.services.queue import QueueSettings
from ivr.twilio_rest import TwilioRest
from ivr.voice.speaker import Speaker
from ivr.voice.state import CallState
from ivr.voice.twiml import speaker_for
from ivr.voice.urls import voice_url

log = logging.getLogger(__name__)

MAX_FIELD = 256  # Twilio's own values are short; anything longer is not from Twilio's engine

STEP_ENDPOINTS = {
    Step.LANGUAGE: "voice.menu",
    Step.PURPOSE: "voice.menu",
    Step.IMPACT: "voice.menu",
    Step.SEVERITY: "voice.menu",
    Step.CALLBACK: "voice.menu",
    Step.ANNOUNCE: "voice.announce",
    Step.SUMMARY: "voice.summary",
    Step.DISRUPTION: "voice.disruption",
    Step.STATUS: "voice.status_reference",
    Step.STATUS_CHECK: "voice.status_check",
    Step.ROUTE: "voice.route",
    Step.INTAKE: "voice.intake",
    Step.CALLBACK_NUMBER: "voice.callback_number",
    Step.QUEUE_CALLBACK: "voice.queue_callback",
    Step.CONFIRM: "voice.confirm",
}


def desk() -> Desk:
    """The desk of this call: the one claiming the number dialled (`To`) or, on a call the line
    placed, the number it called from (`From`); the first desk otherwise. Found in memory."""
    found: Desk | None = g.get("ivr_desk")
    if found is None:
        desks: Desks = line_desks(current_app.extensions)
        if len(desks) > 1:
            values = request.values
            found = desks.for_call(values.get("To"), values.get("From"))
        else:  # the one desk, as app.extensions["ivr.desk"] holds it (tests may replace it)
            found = current_app.extensions["ivr.desk"]
        g.ivr_desk = found
    return found


def desks() -> Desks:
    """Every desk of the line (an offer's desk is its caller's, found from the queue entry)."""
    return line_desks(current_app.extensions)


def queue_settings() -> QueueSettings:
    return current_app.extensions["ivr.queue"]


def twilio() -> TwilioRest:
    return current_app.extensions["ivr.twilio"]


def links() -> Links:
    """Where Twilio reaches this line: PUBLIC_URL, else the host Twilio called."""
    return Links(queue_settings().public_url or request.url_root.rstrip("/"))


def queue_database() -> Database:
    """The database for the queue's own short transactions.

    This webhook's facts are committed first: they are on the request's session, and on SQLite
    a write there would hold the one write lock that the queue's transaction then waits for.
    """
    kept: recorder.Facts | None = g.get("ivr_facts")
    if kept is not None:
        kept.commit()
    return get_database()


def dispatcher() -> Dispatcher:
    return Dispatcher(queue_database(), twilio(), links(), queue_settings(), desks())


def run_dispatch() -> None:
    """Offer waiting callers to free agents now; a failure waits for the next event or sweep."""
    try:
        dispatcher()(now())
    except SQLAlchemyError as exc:
        log.error("dispatch skipped: database unavailable (%s)", type(exc).__name__)


def field(name: str) -> str:
    return request.form.get(name, "")[:MAX_FIELD]


def call_sid() -> str:
    return field("CallSid") or "unknown"


def state() -> CallState:
    return CallState.from_query(request.args)


def now() -> datetime:
    return services.now()


def calendar(at: datetime) -> BusinessCalendar:
    try:
        session = get_session()
    except SQLAlchemyError:
        session = None
    return business_calendar(desk(), session, at)


def speaker(locale: str) -> Speaker:
    return speaker_for(locale)


def event(event_type: str, for_call: str | None = None, **fields: Any) -> dict[str, Any]:
    """One fact about this call, or `for_call`, stamped with the app's clock; on a line of
    several desks with the call's desk too, so a spooled fact is replayed into it."""
    found = {
        "type": event_type,
        "call_sid": for_call or call_sid(),
        "at": now().isoformat(),
        **fields,
    }
    if len(current_app.extensions["ivr.desks"]) > 1:
        found.setdefault("desk", desk().key)
    return found


def facts() -> recorder.Facts:
    """This webhook's facts: one transaction on the request's session, committed by `keep_facts`."""
    if "ivr_facts" not in g:
        g.ivr_facts = recorder.Facts(
            get_database(), desk(), get_session(), lambda: bool(g.get("database_failed"))
        )
    return g.ivr_facts


def keep_facts(response: Response) -> Response:
    """After the webhook built its answer and before Twilio gets it: commit (or spool) its facts."""
    kept: recorder.Facts | None = g.pop("ivr_facts", None)
    if kept is not None:
        kept.commit()
    return response


def abandon_facts(_exc: BaseException | None) -> None:
    """A request that ended without `keep_facts` (an error past the safety net) spools its facts."""
    kept: recorder.Facts | None = g.pop("ivr_facts", None)
    if kept is not None:
        kept.abandon()


def keep(event_type: str, for_call: str | None = None, **fields: Any) -> bool:
    """Record one fact (database, or spool when it is down); committed before the line answers."""
    return facts().record(event(event_type, for_call, **fields)) is not recorder.SPOOLED


def keep_and_read(event_type: str, **fields: Any) -> Any:
    """Record one fact; what its handler read back in the same statement (None when spooled)."""
    kept = facts().record(event(event_type, **fields))
    return None if kept is recorder.SPOOLED else kept


def report(st: CallState, **fields: Any) -> CallState:
    """Add facts to the caller's report; it exists from the first thing there is to report."""
    return reported(st, **fields)[0]


def reported(st: CallState, **fields: Any) -> tuple[CallState, Any]:
    """`report`, and the incident as the same statement stored it (None: spooled, or no new
    fact to store)."""
    if st.ref:
        # An event with nothing new in it would only cost a round trip.
        return st, keep_and_read("incident", reference=st.ref, **fields) if fields else None
    received = now()
    st = st.but(ref=new_reference(), kind=st.kind or "incident", rcv=CallState.stamp(received))
    known = {"reference": st.ref, "kind": st.kind, "language": st.lang}
    first = {**event("incident", **{**known, **fields}), "at": received.isoformat()}
    stored = facts().record(first)
    if stored is recorder.SPOOLED:
        return st, None
    # A retried webhook must not hand the caller a second reference: the first one stands.
    return st.but(ref=stored.reference), stored


def step_url(step: Step, st: CallState, **extra: Any) -> str:
    params = {**st.query(), **extra}
    if STEP_ENDPOINTS.get(step) == "voice.menu":
        return voice_url("voice.menu", step=step.value, **params)
    return voice_url(STEP_ENDPOINTS[step], **params)


def go(response: VoiceResponse, step: Step, st: CallState) -> VoiceResponse:
    """Continue at `step`; the end of the flow hangs up."""
    if step is Step.END:
        response.hangup()
    else:
        response.redirect(step_url(step, st))
    return response
