"""Reading TwiML in tests: parse it and find verbs, as Twilio would read it."""

from __future__ import annotations

import xml.etree.ElementTree as ET


def parse(body: str) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == "Response", f"TwiML root is <{root.tag}>, not <Response>"
    return root


def spoken(root: ET.Element) -> str:
    """Everything <Say> says, in order, as one text."""
    return " ".join((say.text or "").strip() for say in root.iter("Say"))
