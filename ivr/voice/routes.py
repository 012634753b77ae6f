"""All webhooks of the call flow, registered on one blueprint (see ivr/voice/blueprint.py)."""

from ivr.voice import (  # noqa: F401  (each registers its routes)
    agent_phone,
    call,
    callbacks,
    disruption,
    intake,
    menus,
    message_status,
    offers,
    queue,
    routing,
    status,
    summary,
)
from ivr.voice.blueprint import bp

__all__ = ["bp"]
