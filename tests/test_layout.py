"""The layout is the architecture: each pipeline stage in its own package, imports running one
way down the pipeline, no import cycle anywhere.

Every import counts — at module level, inside functions (lazy imports) and under
``TYPE_CHECKING`` — because a lazy import up the pipeline is still a dependency up the pipeline.
A new cycle or an upward import fails here with the modules and lines that make it.
"""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: What each part of the library may import from the project, besides itself. The order is the
#: pipeline's: read → extract → sheets → store → query → present; demo builds on the store.
ALLOWED: dict[str, set[str]] = {
    "etl.model": set(),
    "etl.metrics": set(),
    "etl.progress": set(),
    "etl.read": {"etl.model"},
    "etl.extract": {"etl.model", "etl.metrics", "etl.read"},
    "etl.sheets": {"etl.model", "etl.metrics", "etl.read", "etl.extract"},
    "etl.store": {"etl.model", "etl.metrics", "etl.progress", "etl.read", "etl.extract", "etl.sheets"},
    "etl.query": {"etl.model", "etl.metrics", "etl.store"},
    "etl.present": {"etl.model", "etl.metrics", "etl.store", "etl.query"},
    "etl.demo": {"etl.model", "etl.metrics", "etl.progress", "etl.read", "etl.extract", "etl.sheets",
                 "etl.store"},
    "etl.cli": {"etl"},
    "etl.__main__": {"etl.cli"},
    "pages": {"etl", "pages"},
    "dashboard": {"etl", "pages"},
}

#: Third-party packages that only some parts may use: the dashboard framework only in the pages,
#: the database only from the store upwards.
RESTRICTED = {
    "streamlit": {"pages", "dashboard"},
    "duckdb": {"etl.store", "etl.query", "etl.demo", "etl.cli"},
}


def _part(module: str) -> str:
    """The entry of :data:`ALLOWED` a module belongs to (its stage package, or itself)."""
    for key in sorted(ALLOWED, key=len, reverse=True):
        if module == key or module.startswith(key + "."):
            return key
    raise AssertionError(f"{module} belongs to no part of the layout; add it to ALLOWED")


@cache
def _modules() -> dict[str, Path]:
    files = [*sorted((ROOT / "etl").rglob("*.py")), *sorted((ROOT / "pages").rglob("*.py")),
             ROOT / "dashboard.py"]
    out = {}
    for f in files:
        parts = list(f.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = f
    return out


def _imports(module: str, path: Path, known: set[str]) -> list[tuple[str, int]]:
    """(imported project module, line) for every import statement of the file, resolved to the
    module: ``from etl.store import database`` is an import of ``etl.store.database``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        found += [(n, node.lineno) for n in names]
    return found


@cache
def _graph() -> tuple[dict[str, list[tuple[str, int]]], dict[str, list[tuple[str, int]]]]:
    """Project edges and third-party top-level imports, per module (read once per run)."""
    mods = _modules()
    known = set(mods)
    edges: dict[str, list[tuple[str, int]]] = {}
    third: dict[str, list[tuple[str, int]]] = {}
    for mod, path in mods.items():
        for name, line in _imports(mod, path, known):
            top = name.split(".")[0]
            if top in ("etl", "pages", "dashboard"):
                target = name
                while target not in known and "." in target:
                    target = target.rpartition(".")[0]
                if target != mod:
                    edges.setdefault(mod, []).append((target, line))
            else:
                third.setdefault(mod, []).append((top, line))
    return edges, third


def _cycle(edges: dict[str, list[tuple[str, int]]]) -> list[str] | None:
    """One import cycle (as a list of modules, first = last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n, _ in edges.get(m, []):
            if state.get(n) == 1:
                return stack[stack.index(n):] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(edges):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def test_no_import_cycle() -> None:
    edges, _ = _graph()
    cycle = _cycle(edges)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_imports_run_down_the_pipeline() -> None:
    edges, _ = _graph()
    wrong = []
    for mod, targets in sorted(edges.items()):
        part = _part(mod)
        for target, line in targets:
            tpart = _part(target)
            if tpart == part or any(tpart == a or tpart.startswith(a + ".") for a in ALLOWED[part]):
                continue
            wrong.append(f"{_modules()[mod].relative_to(ROOT)}:{line}: {mod} imports {target}")
    assert not wrong, "imports up the pipeline (or across it):\n" + "\n".join(wrong)


@pytest.mark.parametrize("package", sorted(RESTRICTED))
def test_third_party_packages_stay_in_their_stage(package: str) -> None:
    _, third = _graph()
    wrong = [f"{mod}:{line}" for mod, names in sorted(third.items()) for name, line in names
             if name == package and _part(mod) not in RESTRICTED[package]]
    assert not wrong, f"{package} imported outside {sorted(RESTRICTED[package])}: {wrong}"


def test_each_stage_package_says_what_it_owns_and_may_import() -> None:
    for pkg in sorted(p for p in (ROOT / "etl").iterdir() if (p / "__init__.py").exists()):
        doc = ast.get_docstring(ast.parse((pkg / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"{pkg.relative_to(ROOT)}/__init__.py needs a docstring"


def test_the_checker_sees_cycles_and_upward_imports() -> None:
    """The checks above could pass by seeing nothing; make sure they see a planted problem."""
    edges = {"etl.read.a": [("etl.extract.b", 1)], "etl.extract.b": [("etl.read.a", 2)]}
    assert set(_cycle(edges) or []) == {"etl.read.a", "etl.extract.b"}
    graph, _ = _graph()
    assert any(t == "etl.read.pdf" for t, _ in graph["etl.read.dispatch"])  # a lazy import
    assert any(t == "etl.store.database" for t, _ in graph["etl.store.loader"])
    assert _part("etl.extract.forms") == "etl.extract" and "etl.store" not in ALLOWED["etl.extract"]
