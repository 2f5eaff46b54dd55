"""The README's runnable Python blocks (marked ``<!-- runnable ... -->``) run, in order and in one
namespace, on the shipped titanic data and a small sales panel, as doctests do.

Only the limits are made small, by the substitutions in :data:`SMALL_LIMITS`; each must apply, so a
README edit that drops or changes a limit fails here instead of making the test slow.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MARKED_BLOCK = re.compile(r"<!-- runnable[^>]*-->\n```python\n(.*?)```", re.S)
#: README text -> what the test runs instead.
SMALL_LIMITS = {"job.set_limits(timeout_minutes=10, max_trials=20)": "job.set_limits(timeout_minutes=2, max_trials=3)",
                "job.set_limits(timeout_minutes=15)": "job.set_limits(timeout_minutes=2, max_trials=3)"}

pytestmark = pytest.mark.slow


def runnable_blocks(text: str) -> list[str]:
    """The Python blocks that follow a ``<!-- runnable -->`` marker, in order."""
    return MARKED_BLOCK.findall(text)


def _sales(folder: Path) -> dict:
    """``sales.csv`` (3 stores, 200 days) and the names the forecasting block reads."""
    days = pd.date_range("2024-01-01", periods=214, freq="D")
    rng = np.random.default_rng(0)
    frame = pd.concat([pd.DataFrame({"date": days, "store": store,
                                     "sales": 50 + 10 * store + 5 * np.sin(np.arange(len(days)) * 2 * np.pi / 7)
                                     + rng.normal(0, 1, len(days))}) for store in range(3)], ignore_index=True)
    last = frame["date"] > days[-15]
    frame[~last].to_csv(folder / "sales.csv", index=False)
    held_out = frame[last]
    return {"future": held_out[["date", "store"]], "X_test": held_out[["date", "store"]],
            "y_test": held_out["sales"].to_numpy()}


def test_the_blocks_are_marked_and_the_limits_are_found():
    text = README.read_text(encoding="utf-8")
    blocks = runnable_blocks(text)
    assert len(blocks) == 5 and blocks[0].startswith("import automl")
    for written in SMALL_LIMITS:
        assert sum(written in block for block in blocks) == 1, written


def test_the_readme_tour_runs(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples" / "classification" / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUTOML_TRACKING", raising=False)  # the tour registers a model
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    raw_rows = pd.read_csv(tmp_path / "data" / "test" / "titanic_test.csv").drop(columns="Survived")
    namespace = {"raw_rows": raw_rows, **_sales(tmp_path)}
    for number, block in enumerate(runnable_blocks(README.read_text(encoding="utf-8")), start=1):
        for written, small in SMALL_LIMITS.items():
            block = block.replace(written, small)
        exec(compile(block, f"README.md block {number}", "exec"), namespace)  # noqa: S102 - our own README
    assert namespace["result"].status == namespace["fc_result"].status == "Completed"
    assert (tmp_path / "model.onnx").is_file() and (tmp_path / "report.html").is_file()
    assert int(namespace["version"].version) == 1 and namespace["model"].predict(raw_rows).shape == (len(raw_rows),)
