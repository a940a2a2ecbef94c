"""The import graph, read from the source with `ast` (nothing is imported): the ground floor
(`foodsys/`) imports no app, not even lazily inside a function, and no two modules import each other
in a circle (lazy imports count: a circle hidden in a function is still a circle)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
GROUND = "foodsys"
APPS = sorted(app for app in settings.INSTALLED_APPS if "." not in app and (ROOT / app).is_dir())
# The project's wiring (URLs, router, routing, ASGI start-up) and test code may import apps.
WIRING = {"foodsys/urls.py", "foodsys/api_router.py", "foodsys/routing.py", "foodsys/asgi.py"}
SKIPPED_DIRS = {".venv", "node_modules", "migrations", "__pycache__", ".git", "bench"}


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    target: str  # dotted module name (as far as it names a module of this tree)
    line: int
    lazy: bool  # inside a function (or method): runs when called, not at import
    maybe_module: bool = False  # `from a import b`: a.b, which may be a module or just a name in a


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_test_code(rel: str) -> bool:
    parts = Path(rel).parts
    return "tests" in parts or "testing" in parts or Path(rel).name in {"conftest.py"}


def imports_of(path: Path) -> list[Import]:
    """Every import statement of a file, with whether it is lazy; relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    importer = module_name(path)
    package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = lazy or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                found.extend(Import(importer, alias.name, child.lineno, lazy) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from a import b` may import the module a.b: record both, the graph keeps what exists
                found.append(Import(importer, base, child.lineno, lazy))
                found.extend(Import(importer, f"{base}.{alias.name}", child.lineno, lazy, maybe_module=True)
                             for alias in child.names if alias.name != "*")
            visit(child, inner)

    visit(tree, False)
    return found


def source_files() -> list[Path]:
    files = []
    for top in [GROUND, *APPS]:
        for path in (ROOT / top).rglob("*.py"):
            if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
                files.append(path)
    return sorted(files)


def known_modules(files: list[Path]) -> set[str]:
    return {module_name(path) for path in files}


def graph(files: list[Path]) -> dict[str, list[Import]]:
    """Product code only (tests may import across layers); edges to modules of this tree only."""
    modules = known_modules(files)
    edges: dict[str, list[Import]] = {}
    for path in files:
        if is_test_code(str(path.relative_to(ROOT))):
            continue
        edges[module_name(path)] = [imp for imp in imports_of(path) if imp.target in modules]
    return edges


def cycles(edges: dict[str, list[Import]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def strongconnect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in {imp.target for imp in edges.get(v, [])}:
            if w == v or _is_package_of(w, v):
                continue  # a module naming its own package (`from metrics import x` inside metrics.y)
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            strongconnect(v)
    return found


def _is_package_of(package: str, module: str) -> bool:
    return module.startswith(package + ".")


def ground_floor_violations(files: list[Path]) -> list[str]:
    violations = []
    for path in files:
        rel = str(path.relative_to(ROOT))
        if not rel.startswith(GROUND + "/") or rel in WIRING or is_test_code(rel):
            continue
        for imp in imports_of(path):
            if not imp.maybe_module and imp.target.split(".")[0] in APPS:
                violations.append(f"{rel}:{imp.line} imports {imp.target}{' (lazily)' if imp.lazy else ''}")
    return sorted(set(violations))


# --- the rules -------------------------------------------------------------------------------
def test_the_ground_floor_imports_no_app():
    assert ground_floor_violations(source_files()) == []


def test_there_is_no_import_circle():
    assert cycles(graph(source_files())) == []


# --- the checker itself ------------------------------------------------------------------------
def _write(tmp_path: Path, rel: str, text: str) -> Path:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_checker_tells_a_lazy_import_from_a_top_level_one(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    path = _write(tmp_path, "foodsys/events/x.py",
                  "import json\nfrom metrics.handlers import apply_events\n\n"
                  "def f():\n    from orders.models import OutboxEvent\n    return OutboxEvent\n")

    found = {(imp.target, imp.lazy) for imp in imports_of(path)}

    assert ("metrics.handlers", False) in found
    assert ("orders.models", True) in found
    assert ("json", False) in found


def test_the_checker_finds_a_lazy_circle_and_a_lazy_climb(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.APPS", ["metrics", "orders"])
    files = [
        _write(tmp_path, "metrics/handlers.py", "from metrics.names import x\n"),
        _write(tmp_path, "metrics/names.py", "def f():\n    from .live import y\n"),
        _write(tmp_path, "metrics/live.py", "from metrics import handlers\n"),
        _write(tmp_path, "foodsys/kafka/producer.py", "def g():\n    from orders import models\n"),
        _write(tmp_path, "orders/models.py", "x = 1\n"),
    ]

    assert cycles(graph(files)) == [["metrics.handlers", "metrics.live", "metrics.names"]]
    assert ground_floor_violations(files) == ["foodsys/kafka/producer.py:2 imports orders (lazily)"]
