"""The agents who take calls: who is on duty, which languages they speak, which desks they serve,
where to ring them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

import phonenumbers
from sqlalchemy import ColumnElement, delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ivr.domain.explained import Explained
from ivr.i18n import LOCALES
from ivr.models import DEFAULT_DESK, Agent, AgentDesk, SoftphoneHeartbeat, User
from ivr.services.names import checked_name
from ivr.services.presence import AVAILABLE, AWAY, set_presence

MAX_NAME = 80  # the column's length
MAX_RUNG_AT_ONCE = 10  # Twilio's limit of nouns in one <Dial>


class AgentError(Explained):
    """A clear reason why an agent cannot be saved as given."""


# RFC 3261 `sip:` URI, conservatively: optional user part (unreserved, escaped and the
# user-unreserved marks), a host name, IPv4 or [IPv6] address, an optional port and
# `;name=value` parameters. Quotes, angle brackets and spaces never get into a <Dial>.
_UNRESERVED = r"A-Za-z0-9\-_.!~*'()"
_ESCAPED = r"%[0-9A-Fa-f]{2}"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_SIP_URI = re.compile(
    rf"sip:(?:(?:[{_UNRESERVED}&=+$,;?/]|{_ESCAPED})+@)?"
    rf"(?:(?:{_LABEL}\.)*{_LABEL}\.?|\d{{1,3}}(?:\.\d{{1,3}}){{3}}|\[[0-9A-Fa-f:.]+\])"
    r"(?::\d{1,5})?"
    rf"(?:;(?:[{_UNRESERVED}]|{_ESCAPED})+(?:=(?:[{_UNRESERVED}\[\]/:&+$]|{_ESCAPED})+)?)*"
)
# Twilio refuses client names with control characters, spaces, delimiters (<>#%") or unwise
# characters ({}|\^[]`) and longer than 256 (error 31105); this keeps to URI-safe characters.
_CLIENT = re.compile(r"client:[A-Za-z0-9\-_.~!$&'()*+,;=:@]{1,248}")
MAX_ADDRESS = 255  # the column's length


def normalise_address(address: str, default_region: str = "NL") -> str:
    """An E.164 number (validated with phonenumbers), or a `sip:` URI or `client:` identity
    checked against its grammar (they go into a <Dial> as they are)."""
    address = address.strip()
    if len(address) > MAX_ADDRESS:
        raise AgentError("an address has at most %(most)d characters", most=MAX_ADDRESS)
    if address.lower().startswith("sip:"):
        if not _SIP_URI.fullmatch(address):
            raise AgentError(
                "not a SIP address like sip:anouk@pbx.example.nl: %(address)s",
                address=repr(address),
            )
        return address
    if address.startswith("client:"):
        if not _CLIENT.fullmatch(address):
            raise AgentError(
                "not a client identity like client:anouk (letters, digits, - _ . ~): %(address)s",
                address=repr(address),
            )
        return address
    try:
        number = phonenumbers.parse(address, default_region)
    except phonenumbers.NumberParseException as exc:
        raise AgentError("not a phone number: %(address)s", address=repr(address)) from exc
    if not phonenumbers.is_valid_number(number):
        raise AgentError("not a valid phone number: %(address)s", address=repr(address))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_languages(text: str) -> str:
    codes = [code.strip().lower() for code in text.split(",") if code.strip()]
    unknown = [code for code in codes if code not in LOCALES]
    if not codes or unknown:
        raise AgentError(
            "languages must be a list of %(known)s; got %(text)s",
            known=", ".join(LOCALES),
            text=repr(text),
        )
    return ",".join(dict.fromkeys(codes))


def parse_desks(keys: Iterable[str], known: Sequence[str] | None) -> tuple[str, ...]:
    """The desks an agent serves, each once, in the order given; every one a desk of the line
    (`known`; None: not checked)."""
    chosen = tuple(dict.fromkeys(key.strip() for key in keys if key.strip()))
    if not chosen:
        raise AgentError("an agent serves at least one desk")
    unknown = [key for key in chosen if known is not None and key not in known]
    if unknown:
        raise AgentError(
            "no desk %(desk)s: the desks are %(known)s",
            desk=repr(unknown[0]),
            known=", ".join(known or ()),
        )
    return chosen


def add_agent(
    session: Session,
    name: str,
    address: str,
    languages: str,
    desks: Iterable[str] = (DEFAULT_DESK,),
    *,
    known: Sequence[str] | None = None,
) -> Agent:
    """A new agent, on duty, serving `desks` (checked against the line's desks `known`)."""
    if not name.strip():
        raise AgentError("an agent needs a name")  # the console has this one translated
    name = checked_name(name, "an agent's name", MAX_NAME, AgentError)
    address = normalise_address(address)
    serves = parse_desks(desks, known)
    agent = Agent(
        name=name,
        address=address,
        languages=parse_languages(languages),
        on_duty=True,
        presence=AVAILABLE,
    )
    _refuse_taken(session, name, address)
    session.add(agent)
    try:
        session.flush()
        session.add_all(AgentDesk(agent_id=agent.id, desk=key) for key in serves)
        session.commit()
    except IntegrityError:  # added by someone else in the meantime: the same answer as above
        session.rollback()
        _refuse_taken(session, name, address)
        raise
    return agent


def _refuse_taken(session: Session, name: str, address: str) -> None:
    if session.scalar(select(Agent).where(Agent.name == name)):
        raise AgentError("an agent named %(name)s exists already", name=repr(name))
    holder = session.scalar(select(Agent).where(Agent.address == address))
    if holder is not None:
        raise AgentError("%(address)s rings %(name)s already", address=address, name=holder.name)


def set_on_duty(session: Session, name: str, on_duty: bool, now: datetime) -> Agent:
    """On duty is available (or whatever a call made them), off duty is away."""
    agent = session.scalar(select(Agent).where(Agent.name == name))
    if agent is None:
        raise AgentError("no agent named %(name)s", name=repr(name))
    if not on_duty:
        set_presence(agent, AWAY, now)
    elif agent.presence == AWAY:
        set_presence(agent, AVAILABLE, now)
    session.commit()
    return agent


def remove_agent(session: Session, agent: Agent) -> None:
    """The agent's phone is no longer rung; calls they took keep their name."""
    name = agent.name
    session.execute(delete(AgentDesk).where(AgentDesk.agent_id == agent.id))
    session.execute(delete(SoftphoneHeartbeat).where(SoftphoneHeartbeat.agent_id == agent.id))
    session.delete(agent)
    try:
        session.commit()
    except IntegrityError:  # queue offers made to them are history that stays
        session.rollback()
        raise AgentError(
            "%(name)s has taken offers from the queue: set them away instead", name=name
        ) from None


def by_name(session: Session, name: str) -> Agent:
    agent = session.scalar(select(Agent).where(Agent.name == name))
    if agent is None:
        raise AgentError("no agent named %(name)s", name=repr(name))
    return agent


def of_user(session: Session, username: str) -> Agent | None:
    """The agent a console user is, if any."""
    return session.scalar(select(Agent).where(Agent.username == username))


def link_user(session: Session, agent: Agent, username: str | None) -> Agent:
    """Make `username` the console user who is `agent` (None: nobody). Commits."""
    if username is not None:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            raise AgentError(f"no user named {username!r}")
        other = of_user(session, username)
        if other is not None and other.id != agent.id:
            raise AgentError(f"{username} is {other.name} already")
    agent.username = username
    try:
        session.commit()
    except IntegrityError:  # linked by someone else in the meantime
        session.rollback()
        raise AgentError(f"{username} is linked to another agent already") from None
    return agent


def set_desks(
    session: Session, agent: Agent, desks: Iterable[str], known: Sequence[str] | None
) -> tuple[str, ...]:
    """The agent serves `desks` from now on (an offer ringing now stands). Commits."""
    serves = parse_desks(desks, known)
    session.execute(delete(AgentDesk).where(AgentDesk.agent_id == agent.id))
    session.add_all(AgentDesk(agent_id=agent.id, desk=key) for key in serves)
    session.commit()
    return serves


def desks_of(session: Session, agent_ids: Iterable[int]) -> dict[int, list[str]]:
    """The desks each agent serves, in key order."""
    ids = list(agent_ids)
    found: dict[int, list[str]] = {agent_id: [] for agent_id in ids}
    if not ids:
        return found
    rows = session.execute(
        select(AgentDesk.agent_id, AgentDesk.desk)
        .where(AgentDesk.agent_id.in_(ids))
        .order_by(AgentDesk.desk)
    )
    for agent_id, desk in rows:
        found[agent_id].append(desk)
    return found


def serving(desk: str) -> ColumnElement[bool]:
    """The agent serves `desk`: a condition inside the statement that reads agents (no extra
    statement on the hot path)."""
    return exists().where(AgentDesk.agent_id == Agent.id, AgentDesk.desk == desk)


def all_agents(session: Session) -> list[Agent]:
    return list(session.scalars(select(Agent).order_by(Agent.name)))


def on_duty_for(session: Session, language: str, desk: str | None = None) -> list[Agent]:
    """Agents to ring for a caller of `language` (of `desk`; None: any desk), at most as many as
    one <Dial> can ring."""
    query = select(Agent).where(Agent.on_duty.is_(True)).order_by(Agent.id)
    if desk is not None:
        query = query.where(serving(desk))
    agents = session.scalars(query)
    return [a for a in agents if language in a.language_list][:MAX_RUNG_AT_ONCE]
