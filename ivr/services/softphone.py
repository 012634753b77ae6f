"""The browser softphone (issue 27): access tokens, registration heartbeats, dead tabs.

An agent whose address is a Twilio Client identity (`client:anna`) answers in the console. The
page registers the identity with Twilio's Voice JavaScript SDK using an access token from the
line, and tells the line every few seconds that it is still registered. A browser agent is
browser-only: without a heartbeat within SOFTPHONE_GRACE_SECONDS nobody is offered to them, and
the sweeper sets them away with the reason.

Tokens: twilio.com/docs/iam/access-tokens (an API key signs them; the Voice grant allows
incoming calls and names the TwiML App for outgoing ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, not_, or_, select, true
from sqlalchemy.orm import Session
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from ivr.models import Agent, SoftphoneHeartbeat
from ivr.services.presence import AVAILABLE, AWAY, WRAP_UP, set_presence

CLIENT = "client:"
MAX_TTL = 3600  # Twilio: an access token lives at most 24 h; the line keeps it to one hour
UNREGISTERED_NOTE = "softphone not registered (browser closed or offline)"
REGISTERED_NOTE = "softphone registered again"


@dataclass(frozen=True)
class TokenSettings:
    account_sid: str
    api_key_sid: str
    api_key_secret: str
    twiml_app_sid: str
    ttl: int = MAX_TTL

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TokenSettings:
        return cls(
            config["TWILIO_ACCOUNT_SID"],
            config["TWILIO_API_KEY_SID"],
            config["TWILIO_API_KEY_SECRET"],
            config["TWILIO_TWIML_APP_SID"],
            min(MAX_TTL, config["SOFTPHONE_TOKEN_SECONDS"]),
        )

    @property
    def offered(self) -> bool:
        """Without the account, the API key and the TwiML App there is no softphone."""
        return all((self.account_sid, self.api_key_sid, self.api_key_secret, self.twiml_app_sid))


def configured(config: dict[str, Any]) -> bool:
    return TokenSettings.from_config(config).offered


def identity_of(agent: Agent | None) -> str | None:
    """`anna` for an agent at `client:anna`; None for a phone number or a SIP address."""
    if agent is None or not agent.address.startswith(CLIENT):
        return None
    return agent.address.removeprefix(CLIENT) or None


def access_token(settings: TokenSettings, identity: str) -> str:
    """A signed JWT that lets the browser register `identity` and take incoming calls."""
    token = AccessToken(
        settings.account_sid,
        settings.api_key_sid,
        settings.api_key_secret,
        identity=identity,
        ttl=min(MAX_TTL, settings.ttl),
    )
    token.add_grant(
        VoiceGrant(incoming_allow=True, outgoing_application_sid=settings.twiml_app_sid)
    )
    return token.to_jwt()


def heartbeat(session: Session, agent: Agent, now: datetime) -> None:
    """The agent's page says its Device is registered. Commits. An agent the line set away for a
    dead tab takes calls again once the page is back (away by their own choice stays away)."""
    row = session.get(SoftphoneHeartbeat, agent.id)
    if row is None:
        session.add(SoftphoneHeartbeat(agent_id=agent.id, seen_at=now))
    else:
        row.seen_at = now
    if agent.presence == AWAY and agent.presence_note == UNREGISTERED_NOTE:
        set_presence(agent, AVAILABLE, now, REGISTERED_NOTE)
    session.commit()


def unregistered(session: Session, agent: Agent, now: datetime) -> None:
    """The page says its Device lost its registration (or the tab closes): away now. Commits."""
    session.query(SoftphoneHeartbeat).filter_by(agent_id=agent.id).delete()
    if agent.presence in (AVAILABLE, WRAP_UP):
        set_presence(agent, AWAY, now, UNREGISTERED_NOTE)
    session.commit()


def reachable(now: datetime, grace_seconds: int) -> ColumnElement[bool]:
    """For dispatch: an agent who is not in the browser, or whose softphone is registered
    (everyone, when `grace_seconds` is 0: no softphone configured)."""
    if grace_seconds <= 0:
        return true()
    fresh = exists().where(
        SoftphoneHeartbeat.agent_id == Agent.id,
        SoftphoneHeartbeat.seen_at >= now - timedelta(seconds=grace_seconds),
    )
    return or_(not_(Agent.address.startswith(CLIENT)), fresh)


def set_dead_tabs_away(session: Session, now: datetime, grace_seconds: int) -> list[str]:
    """Browser agents free for calls whose softphone went silent: away, with the reason (in the
    caller's transaction: the sweeper commits). The names of those set away."""
    if grace_seconds <= 0:
        return []
    dead = session.scalars(
        select(Agent).where(
            Agent.presence.in_((AVAILABLE, WRAP_UP)),
            and_(Agent.address.startswith(CLIENT), not_(reachable(now, grace_seconds))),
        )
    ).all()
    for agent in dead:
        set_presence(agent, AWAY, now, UNREGISTERED_NOTE)
    return [agent.name for agent in dead]


def registered(session: Session, agent: Agent, now: datetime, grace_seconds: int) -> bool:
    row = session.get(SoftphoneHeartbeat, agent.id)
    return row is not None and row.seen_at >= now - timedelta(seconds=grace_seconds)
