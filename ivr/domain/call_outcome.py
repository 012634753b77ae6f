"""How a call ended for the caller: one closed set, and the rule that gives each call one value.

The call flow notes its progress on the call as it goes (`Call.outcome`, the last step that
mattered: "queued", "status asked", ...); a report counts once it was confirmed or recorded.
`classify` turns those facts into the outcome the report, the Calls page, the API and the
export count. Abandoned means the caller hung up before being served: in the menus (or while
leaving a report), or while waiting in the queue. Asking the status of a report, joining a
known disruption, asking for a callback and an agent logging in or out by phone are served.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """How a call ended for the caller; every call has exactly one."""

    AGENT = "agent"  # an agent took the call (on the line, or by calling back)
    REPORT_IN_HOURS = "report_in_hours"
    REPORT_OUT_OF_HOURS = "report_out_of_hours"
    CALLBACK = "callback"  # asked to be called back; the call back is still to come
    FORWARDED = "forwarded"  # to FALLBACK_NUMBER
    DISRUPTION = "disruption"  # "this is my problem" at a known disruption
    STATUS = "status"  # heard how a report stands
    AGENT_PHONE = "agent_phone"  # an agent logged in or out by phone
    ABANDONED_MENU = "abandoned_menu"  # hung up in the menus or before the report was kept
    ABANDONED_WAITING = "abandoned_waiting"  # hung up while waiting in the queue

    @property
    def abandoned(self) -> bool:
        return self in ABANDONED


ABANDONED = frozenset({Outcome.ABANDONED_MENU, Outcome.ABANDONED_WAITING})

# What the call flow notes on the call (ivr/voice), by the outcome it means when no report was
# kept. "left the queue (...)" is noted with the reason the line took the caller out.
AGENT_ANSWERED = "agent answered"
AGENT_PRESENCE = "agent presence"
JOINED_DISRUPTION = "affected by a known disruption"
STATUS_ASKED = "status asked"
CALLBACK_REQUESTED = "callback requested"
FALLBACK_NUMBER = "fallback number"
QUEUED = "queued"
LEFT_QUEUE = "left the queue"
_SERVED = {
    AGENT_PRESENCE: Outcome.AGENT_PHONE,
    JOINED_DISRUPTION: Outcome.DISRUPTION,
    STATUS_ASKED: Outcome.STATUS,
    CALLBACK_REQUESTED: Outcome.CALLBACK,
    FALLBACK_NUMBER: Outcome.FORWARDED,
    QUEUED: Outcome.ABANDONED_WAITING,
}


def classify(noted: str | None, report: bool, out_of_hours: bool = False) -> Outcome:
    """The call's outcome from the last step the flow noted and whether a report was kept
    (confirmed or recorded); a report taken out of hours counts apart."""
    if noted == AGENT_ANSWERED:
        return Outcome.AGENT
    if report:
        return Outcome.REPORT_OUT_OF_HOURS if out_of_hours else Outcome.REPORT_IN_HOURS
    if noted in _SERVED:
        return _SERVED[noted]
    if noted is not None and noted.startswith(LEFT_QUEUE):
        return Outcome.ABANDONED_WAITING  # taken out of the queue, hung up before a report
    return Outcome.ABANDONED_MENU
