"""Every third-party package the code imports directly is declared in pyproject.toml.

A package that only arrives through another one (jinja2 through folium, numpy through pandas) can
go when that one drops it; declaring it keeps ``pip install -e .`` enough to run the app.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "counter-trafficking-atlas"
OWN = {"geodata", "dashboard", "benchmarks", "tests", "app"}
# Where the code lives and which part of pyproject.toml must declare what it imports.
AREAS = {
    "geodata": (),
    "dashboard": (),
    "app.py": (),
    "benchmarks": ("bench",),
    "tests": ("test",),
}


def _normalise(name: str) -> str:
    """PEP 503 form of a distribution name: ``Flask_Caching`` -> ``flask-caching``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    return _normalise(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip()).group())


@cache
def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def declared(extras: tuple[str, ...]) -> set[str]:
    """Distributions declared by the dependencies plus ``extras``, following self-references."""
    project = _project()
    names = {_requirement_name(r) for r in project["dependencies"]}
    todo, seen = list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for requirement in project["optional-dependencies"][extra]:
            name = _requirement_name(requirement)
            if name == PROJECT:
                todo.extend(e.strip() for e in re.search(r"\[(.*)\]", requirement).group(1).split(","))
            else:
                names.add(name)
    return names


def _guarded(tree: ast.Module) -> set[ast.AST]:
    """Imports in the body of a ``try`` that catches ImportError: optional, may be missing."""
    guarded: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError") for h in node.handlers
        ):
            guarded.update(n for stmt in node.body for n in ast.walk(stmt))
    return guarded


def third_party_imports(area: str) -> Iterator[tuple[Path, int, str, bool]]:
    """``(file, line, top-level module, optional)`` for each absolute non-stdlib, non-project import."""
    path = ROOT / area
    for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        guarded = _guarded(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top not in OWN:
                    yield file.relative_to(ROOT), node.lineno, top, node in guarded


@pytest.mark.parametrize("area", AREAS)
def test_every_direct_import_is_declared(area):
    distributions = packages_distributions()
    allowed = declared(AREAS[area])
    missing = []
    for file, line, module, optional in third_party_imports(area):
        # An uninstalled package (a benchmark's, say) is looked for under its import name.
        candidates = distributions.get(module)
        if candidates is None and optional:
            continue  # e.g. Python 3.14's ``compression``, with a fallback in the except branch
        if not {_normalise(d) for d in candidates or [module]} & allowed:
            missing.append(f"{file}:{line} imports {module} ({', '.join(candidates or ['not installed'])})")
    assert not missing, "declare in pyproject.toml:\n" + "\n".join(missing)


def test_declared_reads_dependencies_and_extras():
    assert "numpy" in declared(())
    assert "pytest" not in declared(())
    assert {"pytest", "selenium", "beautifulsoup4"} <= declared(("test",))
