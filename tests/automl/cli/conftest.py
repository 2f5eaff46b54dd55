"""Run ``automl`` as a subprocess against a temporary MLflow store."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"


def run_cli(args: list[str], cwd: Path, *, tracking: bool = False, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m automl.cli ARGS`` in ``cwd``; MLflow goes to ``cwd/mlflow.db`` when ``tracking``, and the
    jobs' output folders to ``cwd/outputs`` (the command's default)."""
    env = dict(os.environ)
    env.pop("AUTOML_OUTPUTS_DIR", None)
    env["MLFLOW_TRACKING_URI"] = f"sqlite:///{cwd / 'mlflow.db'}"
    env["AUTOML_TRACKING"] = "on" if tracking else "off"
    env["PYTHONWARNINGS"] = "ignore::DeprecationWarning"
    return subprocess.run([sys.executable, "-m", "automl.cli", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(autouse=True)
def _outputs_in_the_working_directory(monkeypatch):
    """CLI tests run in a temporary folder and read its ``outputs/`` (the command's default)."""
    monkeypatch.delenv("AUTOML_OUTPUTS_DIR", raising=False)


@pytest.fixture(scope="session")
def cli():
    return run_cli


@pytest.fixture(scope="session")
def examples() -> Path:
    return EXAMPLES
