"""The house's rules, read from the code itself: data flows one way between the apps, and
no import of ours hides inside a function (README, "Architecture")."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The order data flows in. An app may import the apps of the layers above its own, never
# an app beside or below it: the trail of who saw what, then tenancy and people, then the
# register, plans and reviews, then what is built on them, then the caseload that brings
# them together, and last what reads a pupil's whole record.
LAYERS = [
    {"audit"},
    {"schools"},
    {"accounts"},
    {"pupils"},
    {"plans"},
    {"reviews"},
    {"money", "parents"},
    {"escalation"},
    {"caseload"},
    {"privacy", "demo"},
]
# The project's own wiring, which may import every app and which no app imports. Every
# other module of backend/ is a library for the apps and imports none of them.
PROJECT = {"backend.urls", "backend.settings", "backend.celery", "backend.wsgi",
           "backend.asgi", "backend.status_tags"}


def layer_of(app: str) -> int:
    for number, apps in enumerate(LAYERS):
        if app in apps:
            return number
    raise AssertionError(f"apps/{app} is in no layer: add it to LAYERS and the README.")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules():
    for folder in ("apps", "backend"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def imports(path: Path):
    """(imported module, the import's line, whether it runs at import time) for each of
    the file's imports of apps.* and backend.*, relative ones resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(), filename=str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def at_import_time(node) -> bool:
        while (node := parents.get(node)) is not None:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                return False
        return True

    def in_ready(node) -> bool:  # Django's AppConfig.ready is where an app wires itself up
        while (node := parents.get(node)) is not None:
            if isinstance(node, ast.FunctionDef) and node.name == "ready":
                return path.name == "apps.py"
        return False

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [module] if node.module else [f"{module}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            if target.split(".")[0] in ("apps", "backend"):
                yield target, node.lineno, at_import_time(node) or in_ready(node)


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "apps" and len(parts) > 1 else None


def backend_module(module: str) -> str | None:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "backend" and len(parts) > 1 else None


def test_every_import_goes_down_the_layers():
    wrong = []
    for path in our_modules():
        here = app_of(module_name(path))
        for target, line, _ in imports(path):
            there = app_of(target)
            if here and there and there != here and layer_of(there) >= layer_of(here):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not wrong, "Upstream importing downstream (or sideways):\n" + "\n".join(wrong)


def test_no_import_of_ours_hides_inside_a_function():
    hidden = [f"{path.relative_to(ROOT)}:{line} imports {target} inside a function"
              for path in our_modules() for target, line, at_load in imports(path)
              if not at_load]
    assert not hidden, "\n".join(hidden)


def test_the_project_wires_the_apps_and_the_apps_use_only_its_libraries():
    wrong = []
    for path in our_modules():
        name = module_name(path)
        for target, line, _ in imports(path):
            where = f"{path.relative_to(ROOT)}:{line} imports {target}"
            if app_of(name) and backend_module(target) in PROJECT:
                wrong.append(where + " (the project's wiring)")
            if (backend_module(name) and backend_module(name) not in PROJECT
                    and app_of(target)):
                wrong.append(where + " (a library of the project importing an app)")
    assert not wrong, "\n".join(wrong)


def test_every_app_is_placed_in_the_layers():
    apps = {path.name for path in (ROOT / "apps").iterdir()
            if (path / "apps.py").exists()}
    placed = set().union(*LAYERS)
    assert apps == placed


@pytest.mark.parametrize("source,expected", [
    ("from apps.money.selectors import spend_by_pupil\n", [("apps.money.selectors", True)]),
    ("def f():\n    from .models import Pupil\n", [("apps.pupils.models", False)]),
    ("from . import rules\n", [("apps.pupils.rules", True)]),
    ("import os\nfrom django.db import models\n", []),
])
def test_imports_are_read_as_written(tmp_path, monkeypatch, source, expected):
    path = ROOT / "apps" / "pupils" / "example_for_the_test.py"
    monkeypatch.setattr(Path, "read_text", lambda self: source)
    assert [(target, at_load) for target, _, at_load in imports(path)] == expected
