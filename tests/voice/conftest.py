"""Fixtures for driving the real call flow as Twilio would: a phone, agents, the desk's clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from ivr.db import get_session
from ivr.models import Call, Incident
from ivr.phone.fake_twilio import FakeTwilio
from ivr.phone.switchboard import Switchboard
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from ivr.services.agents import add_agent
from tests.conftest import TOKEN

CALLER = "+31612345678"
GERMAN_CALLER = "+4915123456789"
DESK_NUMBER = "+31413741742"


@pytest.fixture
def phone(app: Flask) -> Callable[..., TwilioCall]:
    """Places a call into the app; each call gets its own CallSid."""

    def place(from_number: str = CALLER) -> TwilioCall:
        return TwilioCall(
            InProcess(app, token=TOKEN), from_number=from_number, to_number=DESK_NUMBER
        )

    return place


@pytest.fixture
def agents(app: Flask) -> None:
    with app.app_context():
        session = get_session()
        add_agent(session, "Anouk", "+31687654321", "nl,de")
        add_agent(session, "Jonas", "+4917612345678", "de")


def incident_of(app: Flask, call: TwilioCall) -> Incident:
    with app.app_context():
        return (
            get_session()
            .scalars(select(Incident).join(Call).where(Call.call_sid == call.call_sid))
            .one()
        )


def call_row(app: Flask, call: TwilioCall) -> Call:
    with app.app_context():
        return get_session().scalars(select(Call).where(Call.call_sid == call.call_sid)).one()


def incidents(app: Flask) -> list[Incident]:
    with app.app_context():
        return list(get_session().scalars(select(Incident)))


ACCOUNT = "AC" + "5" * 32


@dataclass
class Line:
    """The line with agents' phones behind the fake Twilio: callers queue, agents screen."""

    app: Flask
    fake: FakeTwilio
    board: Switchboard

    def caller(self, number: str = CALLER) -> TwilioCall:
        return self.board.call(number)


@pytest.fixture
def line(make_app: Callable[..., Flask]) -> Iterator[Line]:
    with FakeTwilio(ACCOUNT, TOKEN) as fake:
        application = make_app(
            TWILIO_ACCOUNT_SID=ACCOUNT,
            TWILIO_NUMBER=DESK_NUMBER,
            TWILIO_API_BASE=fake.base_url,
            WRAP_UP_SECONDS=0,
        )
        board = Switchboard(fake, InProcess(application, token=TOKEN), line_number=DESK_NUMBER)
        yield Line(application, fake, board)
