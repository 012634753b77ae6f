"""The softphone page and its JSON endpoints: the access token, the registration heartbeat.

Offered only when TWILIO_API_KEY_SID, TWILIO_API_KEY_SECRET, TWILIO_TWIML_APP_SID (and the
account) are set, and only to a user linked to an agent whose address is `client:<identity>`.
The POSTs are CSRF-protected like every console form: the page sends its token in the
`X-CSRFToken` header (Flask-WTF reads it).
"""

from __future__ import annotations

from flask import Response, abort, current_app, g, jsonify, render_template

from ivr.console.auth import polled
from ivr.console.blueprint import bp
from ivr.db import get_session
from ivr.models import Agent
from ivr.services import agents, now, softphone
from ivr.web_security import CONTENT_SECURITY_POLICY


def _settings() -> softphone.TokenSettings:
    return softphone.TokenSettings.from_config(current_app.config)


def softphone_offered() -> bool:
    """Whether the header links to the softphone: configured, and the user is a browser agent."""
    user = g.get("user")
    if not user or not _settings().offered:
        return False
    return softphone.identity_of(agents.of_user(get_session(), user)) is not None


def _browser_agent() -> tuple[Agent, str]:
    if not _settings().offered:
        abort(404)
    agent = agents.of_user(get_session(), g.user)
    identity = softphone.identity_of(agent)
    if agent is None or identity is None:
        abort(403)
    return agent, identity


# The console's policy (ivr/web_security.py), opened on this page only for what the Voice SDK
# needs: its signalling websocket and Insights, its sounds, and the call's media stream (the
# SDK's README, "Content Security Policy (CSP)": github.com/twilio/twilio-voice.js#content-
# security-policy-csp). The SDK itself is served from 'self' (vendor/).
SOFTPHONE_CSP = CONTENT_SECURITY_POLICY.replace(
    "connect-src 'self'",
    "connect-src 'self' wss://voice-js.roaming.twilio.com https://eventgw.twilio.com "
    "https://sdk.twilio.com https://media.twiliocdn.com",
).replace(
    "media-src 'self'",
    "media-src 'self' mediastream: blob: https://sdk.twilio.com https://media.twiliocdn.com",
)


@bp.get("/softphone")
def softphone_page() -> Response:
    agent, identity = _browser_agent()
    config = current_app.config
    html = render_template(
        "console/softphone.html",
        agent=agent,
        identity=identity,
        heartbeat_seconds=max(1.0, min(10.0, config["SOFTPHONE_GRACE_SECONDS"] / 3)),
    )
    return Response(html, headers={"Content-Security-Policy": SOFTPHONE_CSP})


@bp.post("/softphone/token")
@polled
def softphone_token() -> Response:
    """`{"token": "<JWT>", "identity": "anna"}`: the browser registers `client:anna` with it.
    Asked by the page itself (and again before it expires): no sign of someone at the screen."""
    _agent, identity = _browser_agent()
    token = softphone.access_token(_settings(), identity)
    return jsonify(token=token, identity=identity, ttl=_settings().ttl)


@bp.post("/softphone/heartbeat")
@polled
def softphone_heartbeat() -> Response:
    """The page's Device is registered; sent every few seconds (not a sign of someone there)."""
    agent, _identity = _browser_agent()
    softphone.heartbeat(get_session(), agent, now())
    return jsonify(presence=agent.presence)


@bp.post("/softphone/unregistered")
@polled
def softphone_unregistered() -> Response:
    """The page's Device lost its registration, or the tab is closing: the agent is away."""
    agent, _identity = _browser_agent()
    softphone.unregistered(get_session(), agent, now())
    return jsonify(presence=agent.presence)
