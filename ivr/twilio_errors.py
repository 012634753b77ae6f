"""What a Twilio error code means for the line: one agent's number, the account, or a passing fault.

Every code below is from Twilio's Error and Warning Dictionary, twilio.com/docs/api/errors/<code>
(the page of each code is cited beside it).
"""

from __future__ import annotations

from dataclasses import dataclass

# A call to this one number cannot be placed: the agent's phone, not the line.
NUMBER_CODES: frozenset[int] = frozenset(
    {
        21211,  # Invalid 'To' Phone Number                          .../errors/21211
        21214,  # 'To' phone number cannot be reached                 .../errors/21214
        21217,  # Phone number does not appear to be valid            .../errors/21217
        13224,  # Twilio does not support calling this number / invalid .../errors/13224
    }
)


@dataclass(frozen=True)
class AccountFault:
    """An error about the account or the line's settings, and what the lead must fix."""

    code: int
    what: str
    fix: str  # the setting (or the place in Twilio's console) to fix


_CREDENTIALS = "TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN"
_GEO = "the Voice geographic permissions of the Twilio account (Console > Voice > Settings)"

ACCOUNT_FAULTS: dict[int, AccountFault] = {
    f.code: f
    for f in (
        AccountFault(20003, "Twilio refuses the account's credentials", _CREDENTIALS),  # /20003
        AccountFault(10001, "the Twilio account is not active", "the Twilio account"),  # /10001
        AccountFault(  # /10002
            10002, "a trial account does not support this", "the Twilio account (upgrade it)"
        ),
        AccountFault(30002, "the Twilio account is suspended", "the Twilio account"),  # /30002
        AccountFault(  # /21210
            21210, "'From' is not a Twilio number or verified caller ID", "TWILIO_NUMBER"
        ),
        AccountFault(21212, "'From' is not a valid caller ID", "TWILIO_NUMBER"),  # /21212
        AccountFault(21213, "no caller ID ('From') was given", "TWILIO_NUMBER"),  # /21213
        AccountFault(  # /21606
            21606, "'From' is not a number that can send messages", "MESSAGES_FROM"
        ),
        AccountFault(21215, "geographic permissions do not allow this call", _GEO),  # /21215
        AccountFault(13227, "no international authorization for this call", _GEO),  # /13227
        AccountFault(  # /21219: a trial account may only call verified numbers
            21219, "a trial account may only call verified numbers", "the Twilio account"
        ),
    )
}

# Delivery errors (a status callback's ErrorCode) after which sending again can help: the
# handset or the network was unavailable for a while. Every other 30xxx code is final (a
# landline, an unknown number, carrier filtering, a blocked message, a price limit): retrying
# repeats the failure.
RETRY_HELPS: frozenset[int] = frozenset(
    {
        30001,  # Queue overflow: too many messages queued, try later        .../errors/30001
        30003,  # Unreachable destination handset ("Retry the message")      .../errors/30003
        30008,  # Unknown error                                              .../errors/30008
        30009,  # Missing segment: a part of a long message was lost         .../errors/30009
    }
)


def is_number_fault(code: int | None) -> bool:
    return code in NUMBER_CODES


def account_fault(code: int | None) -> AccountFault | None:
    return ACCOUNT_FAULTS.get(code) if code is not None else None
