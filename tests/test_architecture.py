"""Dependencies flow one way (DESIGN.md, "Architecture"), read from the source itself.

Faces (desk, portal, demo, the API and the mail channel) use the domains; a domain uses the domains below it;
inside a domain, tasks and receivers use services, services use selectors, which use models; everything may
use the pure engines (sla/calendar.py, sla/clock.py) and core, and core uses nothing of ours. A domain that
must react to another's change subscribes to a signal declared below it. Every import counts, including those
inside functions, which may not import our modules at all: the one exception is an app's ``ready()``, Django's
place for connecting receivers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tuki"

# Top to bottom. A module belongs to the longest prefix that names it; it may import its own unit and any unit
# of a lower layer, never a unit of its own layer (those are independent of each other) or of a higher one.
LAYERS: list[list[str]] = [
    ["tuki.urls", "tuki.wsgi", "tuki.asgi", "tuki.settings"],
    ["tuki.desk", "tuki.portal", "tuki.demo", "tuki.api", "tuki.ops"],
    ["tuki.mail", "tuki.webhooks"],
    # What the webhooks announce (a subscription turned off), for the mail channel beside them to tell its owner.
    ["tuki.webhooks.signals"],
    # The monthly report reads every domain below it; the mail channel mails it.
    ["tuki.reports"],
    # Time is logged on requests and on changes: the time ledger knows both.
    ["tuki.timesheets"],
    ["tuki.changes", "tuki.handbook"],
    ["tuki.sla"],
    ["tuki.tickets"],
    ["tuki.agreements"],
    ["tuki.environments", "tuki.mfa", "tuki.apitokens"],
    ["tuki.accounts", "tuki.catalogue"],
    # Written to by accounts, agreements, the downloads of tickets and the faces; knows only core and Django.
    ["tuki.audit"],
    ["tuki.sla.clock"],
    ["tuki.sla.calendar", "tuki.timesheets.ledger", "tuki.timesheets.stopwatch"],
    # Search (text analysis, both databases' index formats) sits with core: shared by the domains, and like core
    # it knows none of them; the two do not use each other.
    ["tuki.core", "tuki.search", "tuki"],
]
FACES = {"tuki.urls", "tuki.wsgi", "tuki.asgi", "tuki.settings", "tuki.desk", "tuki.portal", "tuki.demo"}
FACES |= {"tuki.api", "tuki.mail", "tuki.ops"}
ENGINES = {"tuki.sla.calendar", "tuki.sla.clock", "tuki.timesheets.ledger", "tuki.timesheets.stopwatch"}

# Inside a domain package, by the module's name: lower numbers may import higher ones, not the reverse.
FACE_KINDS = ("views", "desk_views", "urls", "desk_urls", "admin", "forms", "templatetags", "management")
KIND_RANKS = {"apps": 0, "tasks": 1, "receivers": 1, "services": 2, "bulk": 2, "models": 4, "signals": 5}
OTHER_RANK = 3  # selectors and the domain's helpers (lifecycle, deadlines, calendars, presentation, ...)


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    local: bool  # inside a function or class body
    in_ready: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts)


MODULES = {module_name(path) for path in source_files()}


def _resolve(name: str) -> str | None:
    """The module of ours that ``name`` (a module, or a name inside one) refers to, if any."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(path: Path) -> Iterator[Import]:
    source = module_name(path)
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]
    tree = ast.parse(path.read_text(), str(path))
    stack: list[ast.AST] = []

    def visit(node: ast.AST) -> Iterator[Import]:
        scopes = [n for n in stack if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
        in_ready = bool(scopes) and path.name == "apps.py" and getattr(scopes[-1], "name", "") == "ready"
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            target = _resolve(name)
            if target is not None and target != source:
                yield Import(source, target, getattr(node, "lineno", 0), bool(scopes), in_ready)
        stack.append(node)
        for child in ast.iter_child_nodes(node):
            yield from visit(child)
        stack.pop()

    yield from visit(tree)


IMPORTS = sorted({found for path in source_files() for found in imports_of(path)}, key=lambda i: (i.source, i.line))


def unit_of(module: str) -> str:
    """The longest prefix in LAYERS that names ``module``."""
    units = [unit for layer in LAYERS for unit in layer if module == unit or module.startswith(unit + ".")]
    return max(units, key=len)


def layer_of(unit: str) -> int:
    return next(index for index, layer in enumerate(LAYERS) if unit in layer)


def kind_rank(module: str) -> int | None:
    """The rank of a domain module by its kind; None for faces, engines and core, which have no kinds."""
    unit = unit_of(module)
    if unit in FACES or unit in ENGINES or layer_of(unit) == len(LAYERS) - 1:
        return None
    kind = module.removeprefix(unit + ".").split(".")[0]
    if kind in FACE_KINDS:
        return 0
    return KIND_RANKS.get(kind, OTHER_RANK)


def layer_problem(found: Import) -> str | None:
    source, target = unit_of(found.source), unit_of(found.target)
    if source == target:
        return None
    if layer_of(target) < layer_of(source):
        return f"upward: {source} is below {target}"
    if layer_of(target) == layer_of(source):
        return f"sideways: {source} and {target} are independent of each other"
    return None


def kind_problem(found: Import) -> str | None:
    source, target = kind_rank(found.source), kind_rank(found.target)
    if source is None or target is None or target >= source:
        return None
    return f"a lower kind of module ({found.source}) uses a higher one ({found.target})"


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    graph: dict[str, list[str]] = {}
    for source, target in edges:
        graph.setdefault(source, []).append(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for successor in graph.get(node, []):
            if successor not in index:
                connect(successor)
                low[node] = min(low[node], low[successor])
            elif successor in stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def _describe(found: Import, problem: str) -> str:
    return f"{found.source}:{found.line} imports {found.target}: {problem}"


def test_every_module_has_a_layer() -> None:
    assert all(unit_of(module) for module in MODULES)


def test_no_upward_or_sideways_import() -> None:
    problems = [_describe(found, p) for found in IMPORTS if (p := layer_problem(found))]
    assert not problems, "\n".join(problems)


def test_inside_a_domain_kinds_of_module_depend_downwards() -> None:
    problems = [_describe(found, p) for found in IMPORTS if (p := kind_problem(found))]
    assert not problems, "\n".join(problems)


def test_no_import_cycle() -> None:
    found = cycles({(found.source, found.target) for found in IMPORTS})
    assert not found, "\n".join(" <-> ".join(component) for component in found)


def test_no_function_local_import_of_our_modules() -> None:
    problems = [_describe(found, "inside a function") for found in IMPORTS if found.local and not found.in_ready]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_the_engines_are_pure(engine: str) -> None:
    path = ROOT / (engine.replace(".", "/") + ".py")
    tree = ast.parse(path.read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.split(".")[0] == "django" for name in imported), imported


def test_the_check_sees_what_it_must_refuse() -> None:
    upward = Import("tuki.tickets.services", "tuki.mail.tasks", 1, local=False, in_ready=False)
    assert layer_problem(upward) is not None
    sideways = Import("tuki.desk.views", "tuki.portal.views", 1, local=False, in_ready=False)
    assert layer_problem(sideways) is not None
    inverted = Import("tuki.tickets.models", "tuki.tickets.services", 1, local=False, in_ready=False)
    assert kind_problem(inverted) is not None
    assert cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c"]]
    assert layer_problem(Import("tuki.tickets.deadlines", "tuki.sla.calendar", 1, False, False)) is None
