"""The package's shape: imports go only down the layers of docs/architecture.md, and never in a circle.

The graph is built from the source with ``ast`` (no import is executed): every ``import`` and
``from ... import`` of the package counts, those inside functions included, and so does
``importlib.import_module("exactdlm....")`` with a literal name. Nodes are modules. A package's
``__init__`` importing its own submodules (a re-export) is one node with them, so that edge is
dropped; everything else is an edge.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PKG = ROOT / "exactdlm"

#: layer of each top-level part, bottom first; a module may import only its own layer or lower
LAYERS = {
    "arith": 0,
    "engine._kernels": 1,
    "laws": 2,
    "schedules": 2,
    "engine": 3,
    "adaptive": 4,
    "structured": 4,
    "decoding": 5,
    "suites": 6,
    "strategies": 6,
    "claims": 7,
    "search": 8,
    "cli": 9,
    "": 10,  # exactdlm/__init__.py (the public API) and __main__.py
    "__main__": 10,
}


def module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def all_modules() -> dict[str, pathlib.Path]:
    return {module_name(p): p for p in PKG.rglob("*.py")}


def _absolute(node: ast.ImportFrom, mod: str, is_pkg: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(mod: str, path: pathlib.Path, modules) -> set[str]:
    """Modules of the package that ``mod`` imports (anywhere in the file)."""
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()

    def add(name: str):
        while name and name not in modules:  # `from pkg.mod import obj` -> pkg.mod
            name = name.rpartition(".")[0]
        if name:
            out.add(name)

    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("exactdlm"):
                    add(a.name)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, mod, is_pkg)
            if not base.startswith("exactdlm"):
                continue
            for a in node.names:
                sub = f"{base}.{a.name}"
                add(sub if sub in modules else base)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module":
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                if node.args[0].value.startswith("exactdlm"):
                    add(node.args[0].value)
    out.discard(mod)
    if is_pkg:  # an __init__ re-exporting its own submodules is one node with them
        out = {m for m in out if not m.startswith(mod + ".")}
    return out


def graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {m: imports_of(m, p, modules) for m, p in modules.items()}


def layer_of(mod: str) -> tuple[str, int]:
    rest = mod[len("exactdlm."):] if mod != "exactdlm" else ""
    best = ""
    for part in LAYERS:
        if part and (rest == part or rest.startswith(part + ".")) and len(part) > len(best):
            best = part
    if not best and rest not in ("", "__main__"):
        raise AssertionError(f"{mod} belongs to no layer; add its package to LAYERS and to docs/architecture.md")
    return best or rest, LAYERS[best or rest]


def find_cycle(g: dict[str, set[str]]):
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(g.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                c = visit(m)
                if c:
                    return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(g):
        if n not in state:
            c = visit(n)
            if c:
                return c
    return None


def test_every_module_has_a_layer():
    for mod in all_modules():
        layer_of(mod)


def test_no_import_circles():
    cycle = find_cycle(graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_imports_only_go_down():
    upward = []
    for mod, deps in graph().items():
        part, rank = layer_of(mod)
        for d in deps:
            dpart, drank = layer_of(d)
            if drank > rank:
                upward.append(f"{mod} ({part}, layer {rank}) imports {d} ({dpart}, layer {drank})")
    assert not upward, "upward imports:\n" + "\n".join(sorted(upward))


def test_top_level_holds_few_modules():
    top = sorted(p.name for p in PKG.glob("*.py"))
    extra = [n for n in top if n not in ("__init__.py", "__main__.py")]
    assert len(extra) <= 6, f"top-level modules {extra}: move them into a subpackage"
    prefixes = {n.split("_")[0] for n in extra}
    assert len(prefixes) == len(extra), f"name-prefix families at the top: {extra}"


def test_graph_catches_a_circle_and_an_upward_import():
    """The checks can fail: a made-up circle and a made-up upward edge are found."""
    g = {"exactdlm.engine.info": {"exactdlm.engine.sampler"}, "exactdlm.engine.sampler": {"exactdlm.engine.info"}}
    assert find_cycle(g) is not None
    assert layer_of("exactdlm.engine.info")[1] < layer_of("exactdlm.claims.runner")[1]


@pytest.mark.parametrize("src, expect", [
    ("from ..claims import runner\n", "exactdlm.claims.runner"),
    ("def f():\n    from ..search import refute\n", "exactdlm.search.refute"),
    ("import importlib\nimportlib.import_module('exactdlm.cli')\n", "exactdlm.cli"),
])
def test_lazy_and_dynamic_imports_count(tmp_path, src, expect):
    fake = PKG / "engine" / "_probe_never_written.py"
    path = tmp_path / "probe.py"
    path.write_text(src)
    modules = all_modules()
    found = imports_of("exactdlm.engine._probe_never_written", path, modules)
    assert expect in found, (fake, found)
