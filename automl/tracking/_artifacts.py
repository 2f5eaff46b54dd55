"""The parent run's files: featurization summary, engineered names, guardrails,
leaderboard and metric chart data, written once into one folder and uploaded in one call.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from automl.core import plain as _plain
from automl.tracking._chart_data import chart_data

if TYPE_CHECKING:
    from automl.engine import AutoMLResult

#: Folder of the chart files inside the parent run's artifacts.
CHARTS = "charts"
#: Raw- and engineered-feature importance of the best model (:class:`automl.explain.Explanation`).
EXPLANATION = "explanation/explanation.json"
#: The studio-style report (:mod:`automl.report`), fetched by ``automl report JOB``.
REPORT = "report.html"


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_plain(value), indent=1, allow_nan=False), encoding="utf-8")


def best_trial_charts(result: AutoMLResult) -> dict[str, dict]:
    """Chart data from the best trial's validation predictions (empty when there are none)."""
    best = result.best_trial
    if best is None or best.valid_predictions is None or best.valid_rows is None or result.pool_target is None:
        return {}
    rows = np.asarray(best.valid_rows)
    classes = None if result.classes is None else np.asarray(result.classes)
    return chart_data(np.asarray(result.pool_target)[rows], best.valid_predictions, classes)


def write_parent_artifacts(folder: Path, result: AutoMLResult) -> list[str]:
    """Write every parent artifact under ``folder``; return their relative paths."""
    folder = Path(folder)
    files: dict[str, Any] = {
        "featurization_summary.json": result.featurization_summary.to_dict(orient="records"),
        "engineered_feature_names.json": list(result.engineered_feature_names),
        "guardrails.json": [_plain(g) for g in result.guardrails],
    }
    for name, data in best_trial_charts(result).items():
        files[f"{CHARTS}/{name}.json"] = data
    if result.explanation is not None:
        files[EXPLANATION] = result.explanation.to_dict()
    for name, value in files.items():
        _write_json(folder / name, value)
    board = result.leaderboard
    board.to_csv(folder / "leaderboard.csv", index=False)
    return sorted([*files, "leaderboard.csv"])
