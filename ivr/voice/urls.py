"""URLs of the call flow's own steps, built as `url_for` builds them, at a fraction of its cost.

Every webhook names its next steps with the call's state in the query string (ivr/voice/state.py),
two or three URLs an answer. `url_for` routes each through Werkzeug's URL builder and
`urllib.parse.urlencode`: a few percent of a webhook. Here the path part is built by `url_for`
once per endpoint, path values and script root, and the query is encoded directly, leaving alone
the characters Werkzeug leaves alone. tests/voice/test_voice_urls.py holds it to `url_for`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote_plus

from flask import current_app, request, url_for

# What Werkzeug's query encoding (quote_plus with these safe characters) never changes.
_SAFE = "!$'()*,/:;?@"
_UNCHANGED = re.compile(r"[A-Za-z0-9_.\-~" + re.escape(_SAFE) + r"]*")
_PATHS = "ivr.voice_url_paths"
_ARGUMENTS = "ivr.voice_url_arguments"
_MOST_PATHS = 1024


def voice_url(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)` for a relative URL (no `_external`, `_anchor`...)."""
    arguments = _arguments(endpoint)
    if arguments is None:
        return url_for(endpoint, **values)
    path_values = tuple((k, values[k]) for k in sorted(arguments) if k in values)
    key = (request.script_root, endpoint, path_values)
    paths: dict[tuple[Any, ...], str] = current_app.extensions.setdefault(_PATHS, {})
    path = paths.get(key)
    if path is None:
        if len(paths) >= _MOST_PATHS:  # path values such as an offer's id never come back
            paths.clear()
        path = paths[key] = url_for(endpoint, **dict(path_values))
    query = "&".join(
        f"{_encode(name)}={_encode(value)}"
        for name, value in values.items()
        if name not in arguments and value is not None
    )
    return f"{path}?{query}" if query else path


def _encode(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    return text if _UNCHANGED.fullmatch(text) else quote_plus(text, safe=_SAFE)


def _arguments(endpoint: str) -> frozenset[str] | None:
    """The path's variables, when `endpoint` has one rule (else None: `url_for` chooses)."""
    known: dict[str, frozenset[str] | None] = current_app.extensions.setdefault(_ARGUMENTS, {})
    if endpoint not in known:
        rules = list(current_app.url_map.iter_rules(endpoint))
        known[endpoint] = frozenset(rules[0].arguments) if len(rules) == 1 else None
    return known[endpoint]
