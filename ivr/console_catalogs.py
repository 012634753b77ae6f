"""The console's own catalog domain (`console`), on the same Babel workflow as the prompts.

English is the source language (msgid); `console_translations/console.pot` is extracted from
the console's templates and Python code (babel-console.cfg), merged into `nl` and `de`
(`console.po`) and compiled to the `.mo` files Flask-Babel reads. `python -m ivr.catalogs
extract|update|compile` does both domains; `flask --app app translations check` lists the gaps.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from ivr.catalog_files import compile_po, merge_template, read_catalog
from ivr.config import ROOT

DOMAIN = "console"
CONSOLE_DIR = ROOT / "console_translations"
TEMPLATE = CONSOLE_DIR / f"{DOMAIN}.pot"
LANGUAGES = ("nl", "de")  # translated; English is the source
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "N_": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def po_path(locale: str, directory: Path = CONSOLE_DIR) -> Path:
    return directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def extract() -> Catalog:
    with (ROOT / "babel-console.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(project="helpdesk voice line console", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        flags = ("python-format",) if any(placeholders(m) for m in _texts(message)) else ()
        template.add(
            message,
            locations=[(filename, lineno)],
            auto_comments=comments,
            context=context,
            flags=flags,
        )
    return template


def _texts(message: str | tuple[str, ...]) -> tuple[str, ...]:
    return message if isinstance(message, tuple) else (message,)


def update(template: Catalog, directory: Path = CONSOLE_DIR) -> list[Path]:
    return merge_template(template, {loc: po_path(loc, directory) for loc in LANGUAGES})


def compile_catalogs(directory: Path = CONSOLE_DIR) -> list[str]:
    return compile_po({locale: po_path(locale, directory) for locale in LANGUAGES})


def check(directory: Path = CONSOLE_DIR, strict: bool = False) -> list[str]:
    """Every message in the catalogs translated in Dutch and German, none fuzzy, placeholders
    kept. With `strict`, also every text the code marks is in the template (run extract)."""
    template_path = directory / f"{DOMAIN}.pot"
    if not template_path.exists():
        return [f"{template_path.name} is missing: run python -m ivr.catalogs extract"]
    wanted = {m.id: m for m in read_catalog(template_path) if m.id}
    problems = []
    if strict:
        in_code = {m.id for m in extract() if m.id}
        problems += [f"not in {template_path.name}: {_short(i)}" for i in in_code - set(wanted)]
    for locale in LANGUAGES:
        path = po_path(locale, directory)
        if not path.exists():
            problems.append(f"{locale}: {path} is missing")
            continue
        entries = {m.id: m for m in read_catalog(path, locale) if m.id}
        for msgid in wanted:
            problems += _entry_problems(locale, msgid, entries.get(msgid))
    return problems


def _entry_problems(locale: str, msgid: str | tuple[str, ...], message: object) -> list[str]:
    shown = _short(msgid)
    strings = _texts(getattr(message, "string", None) or "")
    if message is None or not all(strings):
        return [f"{locale}: no translation for {shown}"]
    if getattr(message, "fuzzy", False):
        return [f"{locale}: fuzzy (the English changed): {shown}"]
    source = set().union(*(placeholders(t) for t in _texts(msgid)))
    if any(placeholders(t) != source and (placeholders(t) or source) for t in strings[:1]):
        return [f"{locale}: placeholders differ from the English in {shown}"]
    return []


def _short(msgid: str | tuple[str, ...]) -> str:
    text = _texts(msgid)[0]
    return repr(text if len(text) <= 60 else text[:57] + "...")
