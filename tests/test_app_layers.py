"""The domain apps import each other in one direction only.

    pages  ->  metrics  ->  printing  ->  orders  ->  menu  ->  restaurants  ->  accounts

An app may import any app to its right, never one to its left (so there is no circle either).
`pages` (the server-rendered dashboard, management and storefront pages) spans the domain apps and
sits on top; no domain app imports it. Every import counts, including those inside functions
(a lazy import is still a dependency). Tests and migrations are not checked: tests exercise
cross-app flows on purpose, and migrations name other apps by string. The ground floor
(`foodsys/` imports no app) is checked in `foodsys/tests/test_layers.py`.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["accounts", "restaurants", "menu", "orders", "printing", "metrics", "pages"]  # lowest first

# (importing module, imported app): why it is allowed for now. An entry that no longer matches
# an import fails the test, so the list cannot go stale.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(tree: ast.AST, module: str) -> set[str]:
    found = set()
    for node in ast.walk(tree):  # every node: module level and inside functions alike
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")[: -node.level]
                found.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                found.add(node.module)
    return found


def _source_files(app: str) -> list[Path]:
    return [path for path in sorted((ROOT / app).rglob("*.py"))
            if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)]


def app_imports() -> set[tuple[str, str, str]]:
    """(importing module, its app, imported app) for every import of one domain app by another."""
    edges = set()
    for app in LAYERS:
        for path in _source_files(app):
            module = _module_name(path)
            for imported in _imported_modules(ast.parse(path.read_text(), str(path)), module):
                target = imported.split(".")[0]
                if target in LAYERS and target != app:
                    edges.add((module, app, target))
    return edges


def layer_violations(edges) -> set[tuple[str, str]]:
    return {(module, target) for module, app, target in edges if LAYERS.index(target) > LAYERS.index(app)}


def test_domain_apps_import_each_other_in_one_direction_only():
    violations = layer_violations(app_imports()) - set(KNOWN_EXCEPTIONS)

    assert violations == set(), f"imports that climb the layers {' <- '.join(LAYERS)}"


def test_known_exceptions_are_still_needed():
    stale = set(KNOWN_EXCEPTIONS) - layer_violations(app_imports())

    assert stale == set(), "these imports are gone: remove them from KNOWN_EXCEPTIONS"


def test_the_walk_sees_lazy_and_relative_imports():
    source = "def f():\n    from orders.models import Order\n    import metrics.store\nfrom . import roles\n"

    found = _imported_modules(ast.parse(source), "menu.services")

    assert {"orders.models", "metrics.store", "menu"} <= found
    assert layer_violations({("menu.services", "menu", "orders")}) == {("menu.services", "orders")}
    assert layer_violations({("orders.pricing", "orders", "menu")}) == set()


def test_every_domain_app_is_placed_in_the_layers():
    from django.apps import apps

    project_apps = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}

    assert project_apps == set(LAYERS)
