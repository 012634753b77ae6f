"""The prompt catalogs' workflow with Babel: extract, update, compile and check.

`python -m ivr.catalogs extract` writes voice_prompts/messages.pot from every `prompt("id", ...)`
in the code (babel.cfg says where); `update` merges it into each locale's messages.po; `compile`
writes the .mo files the app reads (bin/_setup runs it); `check` lists every gap.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg

from ivr import console_catalogs
from ivr.catalog_files import compile_po, merge_template, read_catalog, write_catalog
from ivr.config import ROOT
from ivr.i18n import AUDIO_SUFFIXES, LOCALES, PROMPTS_DIR
from ivr.prompts import REGISTRY

KEYWORDS = parse_keywords(["prompt:1c,2"])
TEMPLATE = PROMPTS_DIR / "messages.pot"
PLACEHOLDER = re.compile(r"\{(\w*)\}")
PROMPT_MODULES = ("ivr.prompts",)


def po_path(locale: str, prompts_dir: Path = PROMPTS_DIR) -> Path:
    return prompts_dir / locale / "LC_MESSAGES" / "messages.po"


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def extract() -> Catalog:
    """Every prompt in the code, as a template: msgctxt = prompt id, msgid = English source."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(project="helpdesk voice line", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        flags = ("python-brace-format",) if placeholders(message) else ()
        template.add(
            message,
            locations=[(filename, lineno)],
            auto_comments=comments,
            context=context,
            flags=flags,
        )
    return template


def update(template: Catalog, prompts_dir: Path = PROMPTS_DIR) -> list[Path]:
    return merge_template(template, {loc: po_path(loc, prompts_dir) for loc in LOCALES})


def compile_catalogs(prompts_dir: Path = PROMPTS_DIR) -> list[str]:
    return compile_po({locale: po_path(locale, prompts_dir) for locale in LOCALES})


def registered_prompts() -> dict[str, str]:
    for module in PROMPT_MODULES:
        importlib.import_module(module)
    return {p.id: p.source for p in REGISTRY.values()}


def check(prompts_dir: Path = PROMPTS_DIR, audio_dir: Path | None = None) -> list[str]:
    """Every gap between the code, the template, the translations and the recordings."""
    prompts = registered_prompts()
    problems = _template_problems(prompts, prompts_dir / "messages.pot")
    for locale in LOCALES:
        problems += _locale_problems(prompts, locale, prompts_dir)
    problems += _audio_problems(prompts, audio_dir or prompts_dir / "audio")
    return problems


def _template_problems(prompts: dict[str, str], template_path: Path) -> list[str]:
    if not template_path.exists():
        return [f"{template_path.name} is missing: run python -m ivr.catalogs extract"]
    in_template = {m.context: m.id for m in read_catalog(template_path) if m.id}
    if in_template != prompts:
        return [f"{template_path.name} is out of date with the code: run extract, then update"]
    return []


def _locale_problems(prompts: dict[str, str], locale: str, prompts_dir: Path) -> list[str]:
    path = po_path(locale, prompts_dir)
    if not path.exists():
        return [f"{locale}: {path} is missing"]
    catalog = read_catalog(path, locale)
    problems = []
    entries = {m.context: m for m in catalog if m.id}
    for prompt_id, source in prompts.items():
        message = entries.get(prompt_id)
        if message is None or not message.string:
            problems.append(f"{locale}: {prompt_id} has no translation")
        elif message.fuzzy:
            problems.append(f"{locale}: {prompt_id} is fuzzy (the English source changed)")
        elif message.id != source:
            problems.append(f"{locale}: {prompt_id} translates an old English source")
        elif placeholders(str(message.string)) != placeholders(source):
            problems.append(
                f"{locale}: {prompt_id} placeholders {sorted(placeholders(str(message.string)))}"
                f" differ from the source's {sorted(placeholders(source))}"
            )
    for prompt_id in sorted(set(entries) - set(prompts), key=str):
        problems.append(f"{locale}: {prompt_id} is in the catalog but no longer a prompt")
    problems += [f"{locale}: {m.context} is obsolete" for m in catalog.obsolete.values()]
    return problems


def _audio_problems(prompts: dict[str, str], audio_dir: Path) -> list[str]:
    problems = []
    for path in _audio_files(audio_dir):
        locale, prompt_id = path.parent.name, path.stem
        shown = path.relative_to(audio_dir)
        if locale not in LOCALES:
            problems.append(f"audio {shown}: {locale} is not a caller language")
        elif path.suffix not in AUDIO_SUFFIXES:
            problems.append(f"audio {shown}: only {', '.join(AUDIO_SUFFIXES)} are played")
        elif prompt_id not in prompts:
            problems.append(f"audio {shown}: no prompt {prompt_id!r}")
        elif placeholders(prompts[prompt_id]):
            problems.append(f"audio {shown}: {prompt_id} has dynamic parts and is always spoken")
    return problems


def _audio_files(audio_dir: Path) -> Iterable[Path]:
    if not audio_dir.is_dir():
        return []
    return sorted(p for p in audio_dir.glob("*/*") if p.is_file() and not p.name.startswith("."))


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) == 2 else ""
    # Each command works on both domains: the prompts and the console's own (console_catalogs).
    if command == "extract":
        write_catalog(extract(), TEMPLATE)
        write_catalog(console_catalogs.extract(), console_catalogs.TEMPLATE)
        print(f"wrote {TEMPLATE} and {console_catalogs.TEMPLATE}")
    elif command == "update":
        for path in update(read_catalog(TEMPLATE)):
            print(f"updated {path}")
        for path in console_catalogs.update(read_catalog(console_catalogs.TEMPLATE)):
            print(f"updated {path}")
    elif command == "compile":
        for path in compile_catalogs() + console_catalogs.compile_catalogs():
            print(f"compiled {path}")
    elif command == "check":
        problems = check()
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s) in the prompt catalogs")
        return 1 if problems else 0
    else:
        print("usage: python -m ivr.catalogs extract|update|compile|check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
