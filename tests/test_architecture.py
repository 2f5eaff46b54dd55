"""The architecture the build enforces: the import contract, no import cycle, thin package
``__init__`` files, and module names that say what a module is (ARCHITECTURE.md)."""
from __future__ import annotations

import ast
import subprocess
import sys
from collections import Counter
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("automl", "featurizers", "guardrails")


def _lint_imports() -> Path:
    path = Path(sys.executable).with_name("lint-imports")
    if not path.exists():
        pytest.fail("import-linter is missing: pip install -e '.[test]' (make test installs it)")
    return path


def test_the_import_contract_holds():
    """``lint-imports`` reads the contracts in pyproject.toml; imports inside functions count."""
    run = subprocess.run([str(_lint_imports())], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import each other in a circle (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return groups


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False, exclude_type_checking_imports=True)
    assert not _cycles(graph)


def test_the_cycle_check_sees_a_cycle():
    graph = grimp.ImportGraph()
    for module in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(module)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.z")
    graph.add_import(importer="a.z", imported="a.x")
    assert _cycles(graph) == [["a.x", "a.y", "a.z"]]


def _logic_in_init(path: Path) -> list[str]:
    """Statements of an ``__init__.py`` other than its docstring, imports and ``__all__``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for i, node in enumerate(tree.body):
        if i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__all__"]:
            continue
        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node).splitlines()[0]}")
    return found


def test_package_init_files_only_re_export():
    found = [hit for package in PACKAGES for init in (ROOT / package).rglob("__init__.py")
             for hit in _logic_in_init(init)]
    assert not found, "move the logic into a module of its own:\n" + "\n".join(found)


#: Modules that may share a basename: the same step written once per task, side by side.
PARALLEL = ROOT / "automl" / "tasks"


def test_module_names_are_unique_but_for_the_same_step_of_each_task():
    modules = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")
               if p.name not in ("__init__.py", "__main__.py")]
    counts = Counter(p.name for p in modules)
    clashes = sorted(str(p.relative_to(ROOT)) for p in modules
                     if counts[p.name] > 1 and not (p.parent.parent == PARALLEL))
    assert not clashes, "modules doing different jobs under one name:\n" + "\n".join(clashes)
