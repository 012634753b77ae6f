"""Reading, writing, merging and compiling gettext catalogs with Babel: both domains' file work."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PO_WIDTH = 100


def write_catalog(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=PO_WIDTH, omit_header=False)


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def merge_template(template: Catalog, po_files: Mapping[str, Path]) -> list[Path]:
    """Merge the template into each locale's .po file (of any domain); a changed English
    source makes its entry fuzzy, and entries no longer in the template are dropped."""
    for locale, path in po_files.items():
        catalog = read_catalog(path, locale) if path.exists() else Catalog(locale=locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        write_catalog(catalog, path)
    return list(po_files.values())


def compile_po(po_files: Mapping[str, Path]) -> list[str]:
    """Compile each locale's .po file that exists and changed since its .mo was written; fuzzy
    entries are left out, as gettext would. Returns the .mo files written (none: all current)."""
    written = []
    for locale, path in po_files.items():
        if not path.exists() or _is_current(path):
            continue
        with path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, read_catalog(path, locale), use_fuzzy=False)
        written.append(str(path.with_suffix(".mo")))
    return written


def _is_current(po_file: Path) -> bool:
    mo_file = po_file.with_suffix(".mo")
    return mo_file.exists() and mo_file.stat().st_mtime_ns >= po_file.stat().st_mtime_ns
