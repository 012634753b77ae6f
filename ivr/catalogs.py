"""Build steps for the prompt catalogs: `python -m ivr.catalogs compile` turns .po into .mo."""

from __future__ import annotations

import sys

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ivr.i18n import LOCALES, PROMPTS_DIR


def compile_catalogs() -> list[str]:
    """Compile each locale's catalog; fuzzy entries are left out, as gettext would."""
    written = []
    for locale in LOCALES:
        po_path = PROMPTS_DIR / locale / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        with po_path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(str(po_path.with_suffix(".mo")))
    return written


def main(argv: list[str]) -> int:
    if argv[1:] != ["compile"]:
        print("usage: python -m ivr.catalogs compile", file=sys.stderr)
        return 2
    for path in compile_catalogs():
        print(f"compiled {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
