"""Task knowledge lives in the task registry: nothing outside it compares against a task name.

Read from the source with ``ast`` (nothing is imported): outside ``automl/tasks`` no
comparison has a task name on either side (a literal, a tuple of them, or a module constant
holding one), and the exact task names appear as string literals only in the declarative
tables that label their entries with a task.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from automl.tasks import TASKS

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("automl", "featurizers", "guardrails")
TASK_PACKAGE = ROOT / "automl" / "tasks"
#: Declarative tables whose entries carry the task they belong to (and why each may name it).
TABLES = {
    "automl/metrics/_classification.py": "the classification metric table labels its metrics",
    "automl/metrics/_regression.py": "the regression metric table labels its metrics",
    "automl/algorithms/_classifiers.py": "the classification algorithm table",
    "automl/algorithms/_regressors.py": "the regression algorithm table",
    "automl/timeseries/_algorithms.py": "the forecasting algorithm table",
    "automl/jobs/_task_jobs.py": "each job class names its task (Azure's job classes)",
    "automl/jobs/_yaml.py": "the job YAML's 'forecasting:' section is Azure's key for the forecast settings",
    "guardrails/_context.py": "the guardrails' own table of the tasks a context may be for",
}


def _sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _not_task_names(tree: ast.Module) -> set[int]:
    """ids of the string constants that are not task names: docstrings (prose) and the entries
    of ``__all__`` (the names of the functions ``automl.classification`` ...)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            ids.update(id(c) for c in ast.walk(node.value))
    return ids


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to a task name (``CLASSIFICATION = "classification"``)."""
    names = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value in TASKS:
            names.update({t.id: node.value.value for t in node.targets if isinstance(t, ast.Name)})
    return names


def _label(path: Path) -> str:
    return str(path.relative_to(ROOT)) if ROOT in path.parents else str(path)


def _names_a_task(node: ast.AST, constants: dict[str, str]) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in TASKS
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_names_a_task(e, constants) for e in node.elts)
    return isinstance(node, ast.Name) and node.id in constants


def comparisons_against_task_names(path: Path) -> list[str]:
    """``file:line: code`` of every comparison with a task name on one side."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _constants(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(_names_a_task(o, constants)
                                                 for o in [node.left, *node.comparators]):
            found.append(f"{_label(path)}:{node.lineno}: {ast.unparse(node)}")
        if isinstance(node, ast.match_case) and _names_a_task(getattr(node.pattern, "value", None), constants):
            found.append(f"{_label(path)}:{node.pattern.lineno}: case {ast.unparse(node.pattern)}")
    return found


def task_name_literals(path: Path) -> list[str]:
    """``file:line`` of every exact task name written as a string literal (docstrings aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prose = _not_task_names(tree)
    return [f"{_label(path)}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in TASKS and id(node) not in prose]


def _outside_the_task_package() -> list[Path]:
    return [p for p in _sources() if TASK_PACKAGE not in p.parents]


def test_nothing_outside_the_task_package_compares_against_a_task_name():
    found = [hit for path in _outside_the_task_package() for hit in comparisons_against_task_names(path)]
    assert not found, "ask the task registry instead (automl.tasks.get_task):\n" + "\n".join(found)


def test_task_names_are_written_only_in_the_task_package_and_the_declarative_tables():
    found = [hit for path in _outside_the_task_package()
             if str(path.relative_to(ROOT)) not in TABLES for hit in task_name_literals(path)]
    assert not found, "task names outside the registry and the tables:\n" + "\n".join(found)


def test_the_listed_tables_exist_and_name_tasks():
    for table in TABLES:
        assert task_name_literals(ROOT / table), f"{table} no longer names a task: drop it from TABLES"


@pytest.mark.parametrize("code, hits", [
    ('if job.task == "classification":\n    pass\n', 1),
    ('ok = task in ("regression", "forecasting")\n', 1),
    ('CLASSIFICATION = "classification"\nok = kind != CLASSIFICATION\n', 1),
    ('match task:\n    case "forecasting":\n        pass\n', 1),
    ('ok = task.predicts_classes\n', 0),
])
def test_the_checks_see_the_usual_disguises(tmp_path, code, hits):
    path = tmp_path / "probe.py"
    path.write_text(code, encoding="utf-8")
    assert len(comparisons_against_task_names(path)) == hits
    assert bool(task_name_literals(path)) == (hits > 0)
