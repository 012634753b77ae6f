"""The part of Mustache a TwiML Bin's template uses: `{{Name}}`, `{{#Name}}…{{/Name}}` and
`{{^Name}}…{{/Name}}`, over the request's parameters (twilio.com/docs/serverless/twiml-bins)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from xml.sax.saxutils import escape

SECTION = re.compile(r"\{\{([#^])([^}\s]+)\}\}(.*?)\{\{/\2\}\}", re.DOTALL)
VARIABLE = re.compile(r"\{\{\s*([^}#^/\s]+)\s*\}\}")


def render(template: str, params: Mapping[str, str]) -> str:
    """Sections first (innermost by the non-greedy match, repeated), then the variables."""
    previous = None
    while previous != template:
        previous = template
        template = SECTION.sub(lambda m: _section(m, params), template)
    return VARIABLE.sub(lambda m: escape(params.get(m.group(1), "")), template)


def _section(match: re.Match[str], params: Mapping[str, str]) -> str:
    kind, name, body = match.groups()
    present = bool(params.get(name))
    return body if present == (kind == "#") else ""
