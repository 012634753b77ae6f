"""All webhooks of the call flow, registered on one blueprint (see ivr/voice/blueprint.py)."""

from ivr.voice import call, intake, menus, routing  # noqa: F401  (each registers its routes)
from ivr.voice.blueprint import bp

__all__ = ["bp"]
