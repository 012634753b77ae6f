"""The agents who take calls: who is on duty, which languages they speak, where to ring them."""

from __future__ import annotations

from datetime import datetime

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.i18n import LOCALES
from ivr.models import Agent
from ivr.services.presence import AVAILABLE, AWAY, set_presence

MAX_RUNG_AT_ONCE = 10  # Twilio's limit of nouns in one <Dial>


class AgentError(ValueError):
    """A clear reason why an agent cannot be saved as given."""


def normalise_address(address: str, default_region: str = "NL") -> str:
    """An E.164 number (validated with phonenumbers), or a `sip:`/`client:` address as given."""
    address = address.strip()
    if address.startswith(("sip:", "client:")):
        if len(address.split(":", 1)[1]) < 1:
            raise AgentError(f"empty address: {address!r}")
        return address
    try:
        number = phonenumbers.parse(address, default_region)
    except phonenumbers.NumberParseException as exc:
        raise AgentError(f"not a phone number: {address!r}") from exc
    if not phonenumbers.is_valid_number(number):
        raise AgentError(f"not a valid phone number: {address!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_languages(text: str) -> str:
    codes = [code.strip().lower() for code in text.split(",") if code.strip()]
    unknown = [code for code in codes if code not in LOCALES]
    if not codes or unknown:
        raise AgentError(f"languages must be a list of {', '.join(LOCALES)}; got {text!r}")
    return ",".join(dict.fromkeys(codes))


def add_agent(session: Session, name: str, address: str, languages: str) -> Agent:
    name = name.strip()
    if not name:
        raise AgentError("an agent needs a name")
    if session.scalar(select(Agent).where(Agent.name == name)):
        raise AgentError(f"an agent named {name!r} exists already")
    agent = Agent(
        name=name,
        address=normalise_address(address),
        languages=parse_languages(languages),
        on_duty=True,
        presence=AVAILABLE,
    )
    session.add(agent)
    session.commit()
    return agent


def set_on_duty(session: Session, name: str, on_duty: bool, now: datetime) -> Agent:
    """On duty is available (or whatever a call made them), off duty is away."""
    agent = session.scalar(select(Agent).where(Agent.name == name))
    if agent is None:
        raise AgentError(f"no agent named {name!r}")
    if not on_duty:
        set_presence(agent, AWAY, now)
    elif agent.presence == AWAY:
        set_presence(agent, AVAILABLE, now)
    session.commit()
    return agent


def remove_agent(session: Session, agent: Agent) -> None:
    """The agent's phone is no longer rung; calls they took keep their name."""
    session.delete(agent)
    session.commit()


def by_name(session: Session, name: str) -> Agent:
    agent = session.scalar(select(Agent).where(Agent.name == name))
    if agent is None:
        raise AgentError(f"no agent named {name!r}")
    return agent


def all_agents(session: Session) -> list[Agent]:
    return list(session.scalars(select(Agent).order_by(Agent.name)))


def on_duty_for(session: Session, language: str) -> list[Agent]:
    """Agents to ring for a caller of `language`, at most as many as one <Dial> can ring."""
    agents = session.scalars(select(Agent).where(Agent.on_duty.is_(True)).order_by(Agent.id))
    return [a for a in agents if language in a.language_list][:MAX_RUNG_AT_ONCE]
