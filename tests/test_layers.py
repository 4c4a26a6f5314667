"""The layer rule: imports run down the layer diagram of DESIGN.md, never up or sideways, and
no two modules import each other, directly or around a cycle. Imports inside functions count
like any other; so do imports under ``if TYPE_CHECKING``."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# top to bottom; packages in one inner list are siblings and may not import each other
LAYERS = [
    ["nums"],  # nums/__init__.py (init, shutdown, explain), nums.workloads
    ["nums.models", "nums.io", "nums.monitor"],  # nums.monitor: the dashboard and plots
    ["nums.numpy"],
    ["nums.core.array"],
    ["nums.core.progress"],  # progress bars: waits on the session's backend
    ["nums.core.context"],
    ["nums.core.graph"],
    ["nums.core.backend"],
    ["nums.config"],
    ["runtime"],
]


def _modules() -> dict[str, Path]:
    mods = {}
    for pkg in ("nums", "runtime"):
        for path in (ROOT / pkg).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            mods[name.removesuffix(".__init__")] = path
    return mods


def _imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """Every module's imports of other modules of nums and runtime, wherever they stand."""
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(parts + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base
                           for a in node.names]
            for t in targets:
                while t and t not in mods:
                    t = t.rpartition(".")[0]
                if t and t != mod and not mod.startswith(t + "."):  # a package's own init
                    edges[mod].add(t)
    return edges


def _layer(mod: str) -> tuple[int, str]:
    best = (-1, "", "")
    for i, group in enumerate(LAYERS):
        for prefix in group:
            if (mod == prefix or mod.startswith(prefix + ".")) and len(prefix) > len(best[2]):
                best = (i, prefix, prefix)
    assert best[0] >= 0, f"{mod} is in no layer: add it to LAYERS"
    return best[0], best[1]


def test_imports_run_downward_only():
    bad = []
    for mod, targets in _imports(_modules()).items():
        layer, group = _layer(mod)
        for t in sorted(targets):
            t_layer, t_group = _layer(t)
            if t_layer < layer:
                bad.append(f"{mod} imports {t} (up: {LAYERS[t_layer]} is above {group})")
            elif t_layer == layer and t_group != group:
                bad.append(f"{mod} imports {t} (sideways: {group} and {t_group})")
    assert not bad, "\n".join(bad)


def test_runtime_never_imports_nums():
    edges = _imports(_modules())
    assert not [(m, t) for m, ts in edges.items() if m.startswith("runtime")
                for t in ts if t.startswith("nums")]


def test_no_import_cycles():
    edges = _imports(_modules())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
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
                cycles.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_the_check_sees_imports_inside_functions(tmp_path):
    # the parser the rules rely on finds a function-level import (a regression guard)
    edges = _imports(_modules())
    assert "nums.core.backend.ray" in edges["nums.core.context"]  # imported inside a function
