"""The house's layout (ADR 0015): no import cycle between the project's modules, and every import
between apps points the way the ADR's arrow list allows.

Both read the source as text, so an import inside a function counts like any other: a cycle
broken by importing inside a function is still a cycle.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Not the project's own running code: tests, migrations, tooling, vendored and built files.
SKIP = {
    ".venv", "node_modules", "tests", "bench", "scripts", "migrations", "static", ".git", "var",
    "docs", ".make",
}  # fmt: skip

#: The arrow list of ADR 0015: which apps each app's modules may import. Lower layers first:
#: the engine, the core, the collection (survey, then returns, then uploads and review side by
#: side), publication, then the demo data on top of everything.
CORE = {"audit", "organisations", "accounts", "notifications", "filestore"}
MAY_IMPORT: dict[str, set[str]] = {
    "indicators": set(),
    "filestore": set(),  # the shared file store (ADR 0024): under everything that keeps files
    "audit": set(),
    "notifications": {"audit", "organisations"},
    "organisations": {"audit", "accounts", "indicators"},
    "accounts": {"audit", "organisations", "notifications"},
    "survey": CORE | {"indicators"},
    "returns": CORE | {"indicators", "survey"},
    "uploads": CORE | {"indicators", "survey", "returns"},
    "review": CORE | {"indicators", "survey", "returns"},
    "extracts": CORE | {"indicators", "survey", "returns", "dashboards"},
    "dashboards": CORE | {"indicators", "survey", "returns", "extracts"},
    "reports": CORE | {"indicators", "extracts", "dashboards", "engagement"},
    "engagement": CORE | {"indicators", "extracts", "dashboards"},
    "demo": CORE
    | {"indicators", "survey", "returns", "uploads", "review", "extracts", "engagement"},
    "submissions": set(),  # migrations only
}
#: Imports against the arrows that were there before the split, each with its reason; the list
#: may only shrink.
KNOWN_EXCEPTIONS = {
    # The organisation page shows the organisation's published profile.
    ("organisations.views", "dashboards.selectors"),
}
#: wres_portal is wiring (settings, URLs) on top and infrastructure (the Celery app, request ids,
#: the Jinja2 environment, size-limited file forms, rate limits) underneath: apps may use it.
INFRASTRUCTURE = {
    "wres_portal.celery",
    "wres_portal.observability",
    "wres_portal.file_forms",
    "wres_portal.jinja2",
    "wres_portal.ratelimits",
}


def _module_files() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if set(relative.parts) & SKIP:
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            modules[".".join(parts)] = path
    return modules


def _imported_names(module: str, path: Path) -> Iterator[str]:
    """Every module name an import statement of the file names, relative ones resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


@functools.cache
def import_graph() -> dict[str, set[str]]:
    """Project module -> the project modules it imports (the longest existing prefix of each)."""
    modules = _module_files()

    def resolve(name: str) -> str | None:
        while name:
            if name in modules:
                return name
            name = name.rpartition(".")[0]
        return None

    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = {resolve(name) for name in _imported_names(module, path)}
        # A package's own __init__ is imported on the way to any of its modules: not an edge.
        graph[module] = {
            target
            for target in targets
            if target and target != module and not module.startswith(target + ".")
        }
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def test_layout_has_no_import_cycle_between_project_modules() -> None:
    cycles = import_cycles(import_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_layout_cycle_check_finds_a_cycle_made_by_a_function_level_import() -> None:
    graph = {"a.services": {"a.tasks"}, "a.tasks": {"a.services"}, "b": {"a.tasks"}}
    assert import_cycles(graph) == [["a.services", "a.tasks"]]


def test_layout_graph_counts_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from returns.services import return_check\n")
    assert "returns.services.return_check" in set(_imported_names("x", source))


def test_layout_imports_between_apps_follow_the_adr() -> None:
    wrong = []
    for module, targets in import_graph().items():
        app = module.split(".")[0]
        if app in ("wres_portal", "manage", "gunicorn"):
            continue  # the wiring (settings and URLs put every app together), gunicorn.conf.py
        assert app in MAY_IMPORT, f"{app}/ is not in ADR 0015's arrow list"
        for target in targets:
            target_app = target.split(".")[0]
            if target_app == app or (module, target) in KNOWN_EXCEPTIONS:
                continue
            if target_app == "wres_portal":
                if target not in INFRASTRUCTURE:
                    wrong.append(f"{module} -> {target} (wiring, not infrastructure)")
            elif target_app not in MAY_IMPORT[app]:
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports against ADR 0015's arrows:\n" + "\n".join(sorted(wrong))


def test_layout_known_exceptions_are_still_real() -> None:
    graph = import_graph()
    stale = [pair for pair in KNOWN_EXCEPTIONS if pair[1] not in graph.get(pair[0], set())]
    assert not stale, f"remove these from KNOWN_EXCEPTIONS, they are fixed: {stale}"


def _own_lines(top: str) -> int:
    """Lines of a top-level package's Python and templates, tests and migrations left out."""
    total = 0
    for path in (ROOT / top).rglob("*"):
        relative = path.relative_to(ROOT)
        if set(relative.parts) & SKIP or path.suffix not in {".py", ".jinja", ".html", ".txt"}:
            continue
        total += len(path.read_text(encoding="utf-8").splitlines())
    return total


def test_layout_no_top_level_package_holds_more_than_30_percent_of_the_code() -> None:
    packages = [p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    packages += ["templates"]
    sizes = {name: _own_lines(name) for name in packages if name not in SKIP}
    total = sum(sizes.values())
    largest = max(sizes, key=lambda name: sizes[name])
    assert sizes[largest] <= 0.30 * total, (largest, sizes[largest], total)


@pytest.mark.parametrize(
    ("app", "kinds"),
    [
        ("returns", ["models.py", "services", "selectors.py", "views", "urls.py", "jinja2/returns",
                     "tasks.py", "admin.py"]),
        ("uploads", ["models.py", "services.py", "selectors.py", "views.py", "urls.py",
                     "jinja2/uploads", "tasks.py", "parser.py", "template.py", "sandbox.py"]),
        ("review", ["models.py", "services.py", "selectors.py", "views", "urls.py",
                    "jinja2/review", "tasks.py", "admin.py", "reminders.py"]),
        ("survey", ["models.py", "services.py", "selectors.py", "views.py", "urls.py",
                    "jinja2/survey", "parser.py"]),
        ("notifications", ["models.py", "services.py", "tasks.py", "admin.py"]),
    ],
)  # fmt: skip
def test_layout_each_concept_holds_its_own_layers(app: str, kinds: list[str]) -> None:
    missing = [kind for kind in kinds if not (ROOT / app / kind).exists()]
    assert not missing, f"{app}/ lacks {missing}"
