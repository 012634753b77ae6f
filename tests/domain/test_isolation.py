"""The domain core is pure: importing it loads no web framework, telephony or database library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_domain_loads_no_flask_twilio_or_sqlalchemy() -> None:
    code = (
        "import pkgutil, importlib, sys, ivr.domain\n"
        "for m in pkgutil.iter_modules(ivr.domain.__path__):\n"
        "    importlib.import_module('ivr.domain.' + m.name)\n"
        "names = ('flask', 'twilio', 'sqlalchemy', 'werkzeug')\n"
        "print(sorted(n for n in names if n in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
