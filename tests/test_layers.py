"""The layers point one way: the import rules of docs/inside/layers.md, read from the source."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

WEB = ("ivr.voice", "ivr.console", "ivr.api", "ivr.commands")
# Everything above the services: the web layers, the phone harness and the app's assembly.
ABOVE_SERVICES = (
    *WEB,
    "ivr.phone",
    "ivr.audio",
    "ivr.health",
    "ivr.error_pages",
    "ivr.web_security",
    "ivr.flask_app",
)
FRAMEWORKS = ("flask", "flask_babel", "werkzeug", "twilio", "sqlalchemy", "alembic")
# (what, the rule, which modules, the imports they may not make)
RULES = (
    ("ivr.domain", "the domain imports nothing of the app", ("ivr",), ("ivr.domain",)),
    ("ivr.domain", "the domain imports no framework", FRAMEWORKS, ()),
    ("ivr.db", "storage imports nothing above it", ("ivr.services", *ABOVE_SERVICES), ()),
    ("ivr.models", "storage imports nothing above it", ("ivr.services", *ABOVE_SERVICES), ()),
    ("ivr.services", "services import nothing of the web layers", ABOVE_SERVICES, ()),
)
# Flask's current_app is read only where the services meet the app (init_app and now()).
FLASK_IN_SERVICES = {"ivr.services"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the module (or package) imported
    line: int
    top_level: bool  # at import time, not inside a function or `if TYPE_CHECKING:`
    script: bool = False  # under `if __name__ == "__main__":`, run only as `python -m`,
    # or under `if TYPE_CHECKING:`, read only by the type checker


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_sources(root: Path = ROOT) -> dict[str, tuple[str, bool]]:
    """Every module of the app: its name -> (source, is it a package's __init__)."""
    return {
        module_name(path, root): (path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for path in sorted((root / "ivr").rglob("*.py"))
    }


def imports_of(
    name: str, source: str, is_package: bool, known: set[str] | frozenset[str] = frozenset()
) -> list[Import]:
    """Every import in the module, function-level ones included; `from p import m` of a known
    module `p.m` counts as importing `p.m`."""
    found: list[Import] = []

    def visit(node: ast.AST, top_level: bool, script: bool = False) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend(
                    Import(name, a.name, child.lineno, top_level, script) for a in child.names
                )
            elif isinstance(child, ast.ImportFrom):
                base = _absolute(name, is_package, child.module, child.level)
                targets = [f"{base}.{a.name}" for a in child.names if f"{base}.{a.name}" in known]
                for target in targets or [base]:
                    found.append(Import(name, target, child.lineno, top_level, script))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, False, script)
            elif isinstance(child, ast.If) and (
                _is_type_checking(child.test) or _is_main(child.test)
            ):
                visit(child, False, True)
            else:
                visit(child, top_level, script)

    visit(ast.parse(source), True)
    return found


def _absolute(name: str, is_package: bool, module: str | None, level: int) -> str:
    if not level:
        return module or ""
    package = name.split(".") if is_package else name.split(".")[:-1]
    package = package[: len(package) - level + 1]
    return ".".join([*package, module] if module else package)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_main(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


def all_imports(sources: dict[str, tuple[str, bool]]) -> list[Import]:
    known = set(sources)
    return [
        found
        for name, (source, is_package) in sources.items()
        for found in imports_of(name, source, is_package, known)
    ]


def breaches(sources: dict[str, tuple[str, bool]]) -> list[str]:
    """Every import that breaks a layering rule, as `module:line imports target (rule)`."""
    problems = []
    for found in all_imports(sources):
        for where, rule, forbidden, allowed in RULES:
            if (
                within(found.module, (where,))
                and within(found.target, forbidden)
                and not within(found.target, allowed)
            ):
                problems.append(f"{found.module}:{found.line} imports {found.target} ({rule})")
        if (
            within(found.module, ("ivr.services",))
            and found.module not in FLASK_IN_SERVICES
            and within(found.target, ("flask", "flask_babel"))
        ):
            problems.append(
                f"{found.module}:{found.line} imports {found.target} (services use no Flask)"
            )
    return problems


def cycles(sources: dict[str, tuple[str, bool]]) -> list[list[str]]:
    """The import circles between the app's modules at import time (strongly connected parts)."""
    graph: dict[str, set[str]] = {name: set() for name in sources}
    for found in all_imports(sources):
        if found.top_level and found.target in graph and found.target != found.module:
            graph[found.module].add(found.target)
    return [sorted(part) for part in _strongly_connected(graph) if len(part) > 1]


def mutual_imports(sources: dict[str, tuple[str, bool]]) -> list[tuple[str, str]]:
    """Pairs of modules that import each other, even inside a function (a `python -m` block
    and type-checking imports aside): two halves of one concern, or a piece that belongs below
    both."""
    edges = {
        (i.module, i.target)
        for i in all_imports(sources)
        if i.target in sources and i.target != i.module and not i.script
    }
    return sorted((a, b) for a, b in edges if (b, a) in edges and a < b)


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative so deep import chains do not hit the recursion limit."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    part = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        part.append(member)
                        if member == node:
                            break
                    parts.append(part)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return parts


def with_module(name: str, source: str) -> dict[str, tuple[str, bool]]:
    """The app's modules plus one made up, to show the checker sees a new breach."""
    return {**app_sources(), name: (source, False)}


def test_the_app_keeps_its_layering_rules() -> None:
    assert breaches(app_sources()) == []


def test_no_import_circles_between_the_apps_modules() -> None:
    assert cycles(app_sources()) == []


def test_no_two_modules_import_each_other_even_inside_a_function() -> None:
    assert mutual_imports(app_sources()) == []


def test_the_checker_reads_every_module_of_the_app() -> None:
    sources = app_sources()
    assert {"ivr.domain.call_flow", "ivr.services.recorder", "ivr.prompts", "ivr.db"} <= set(
        sources
    )
    # A function-level import counts for the rules, not for the circles.
    found = imports_of("ivr.services", *sources["ivr.services"], set(sources))
    assert any(i.target == "flask" and not i.top_level for i in found)


WEB_RULE = "services import nothing of the web layers"


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        # the breach of issue 25: a service using the voice package's prompts
        (
            "ivr.services.breach",
            "from ivr.voice import prompts\n",
            [f"1 imports ivr.voice ({WEB_RULE})"],
        ),
        (
            "ivr.services.breach",
            "def later():\n    from ivr.console.agents import page\n    return page\n",
            [f"2 imports ivr.console.agents ({WEB_RULE})"],
        ),
        ("ivr.services.breach", "from ..api import routes\n", [f"1 imports ivr.api ({WEB_RULE})"]),
        (
            "ivr.services.breach",
            "from flask import request\n",
            ["1 imports flask (services use no Flask)"],
        ),
        (
            "ivr.domain.breach",
            "import sqlalchemy\nfrom ivr.config import Settings\nfrom ivr.domain import sla\n",
            [
                "1 imports sqlalchemy (the domain imports no framework)",
                "2 imports ivr.config (the domain imports nothing of the app)",
            ],
        ),
    ],
)
def test_a_new_breach_is_reported(module: str, source: str, expected: list[str]) -> None:
    assert breaches(with_module(module, source)) == [f"{module}:{line}" for line in expected]


def test_storage_importing_a_service_is_reported() -> None:
    sources = app_sources()
    models, is_package = sources["ivr.models"]
    sources["ivr.models"] = (models + "\nfrom ivr.services import queue\n", is_package)
    line = len(sources["ivr.models"][0].splitlines())
    assert breaches(sources) == [
        f"ivr.models:{line} imports ivr.services.queue (storage imports nothing above it)"
    ]


def test_an_import_circle_is_reported() -> None:
    sources = {
        **with_module("ivr.services.first", "from ivr.services import second\n"),
        "ivr.services.second": ("from ivr.services.first import thing\n", False),
    }
    assert cycles(sources) == [["ivr.services.first", "ivr.services.second"]]


def test_an_import_inside_a_function_makes_no_circle() -> None:
    sources = {
        **with_module("ivr.services.first", "from ivr.services import second\n"),
        "ivr.services.second": ("def later():\n    from ivr.services import first\n", False),
    }
    assert cycles(sources) == []


def test_two_modules_importing_each_other_inside_functions_are_reported() -> None:
    sources = {
        **with_module("ivr.first", "def one():\n    from ivr import second\n"),
        "ivr.second": ("def two():\n    from ivr.first import one\n", False),
    }
    assert mutual_imports(sources) == [("ivr.first", "ivr.second")]
    sources["ivr.second"] = ('if __name__ == "__main__":\n    from ivr.first import one\n', False)
    assert mutual_imports(sources) == []
