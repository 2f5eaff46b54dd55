"""What ``job.submit()`` returns."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from automl import metrics
from automl.trials import TrialResult

_LEADING = ["name", "algorithm", "status"]


@dataclass
class AutoMLResult:
    """The outcome of an AutoML job.

    Attributes
    ----------
    name : str
        The job name; trials are named ``<name>_<n>``.
    task, primary_metric : str
        What was optimised.
    status : str
        ``"Completed"``, or ``"Failed"`` when no trial produced a model.
    stop_reason : str
        Why the search stopped (limit reached, early termination, ...).
    best_model : sklearn.pipeline.Pipeline or None
        Featurization, scaler and estimator refit on all training data; takes raw rows.
    best_trial : TrialResult or None
        The trial ``best_model`` comes from.
    trials : list of TrialResult
        Every trial, in the order it was run.
    metrics : dict
        Validation metrics of the best trial (averaged over folds under CV).
    test_metrics : dict or None
        Metrics of ``best_model`` on the test data, when test data was given.
    guardrails : list of guardrails.GuardrailResult
        Data guardrails computed in the setup step.
    featurization_summary : pandas.DataFrame
        One row per raw column: RawFeatureName, TypeDetected, Dropped,
        EngineeredFeatureCount, Transformations.
    validation : dict
        The validation scheme used.
    """

    name: str
    task: str
    primary_metric: str
    status: str
    stop_reason: str
    best_model: Any
    best_trial: TrialResult | None
    trials: list[TrialResult]
    metrics: dict[str, float]
    test_metrics: dict[str, float] | None
    guardrails: list
    featurization_summary: pd.DataFrame
    validation: dict[str, Any]
    duration_seconds: float
    dropped_target_rows: int = 0
    data_shape: tuple[int, int] = (0, 0)
    engineered_feature_names: list[str] = field(default_factory=list)

    @property
    def leaderboard(self) -> pd.DataFrame:
        """One row per trial, best first; failed and canceled trials last with their error."""
        rows = []
        for t in self.trials:
            row = {"name": t.name, "algorithm": t.display_name, "status": t.status,
                   self.primary_metric: t.score, "duration_seconds": round(t.duration_seconds, 3),
                   "iteration": t.iteration}
            row.update({k: v for k, v in t.metrics.items() if k != self.primary_metric})
            row["error"] = t.error
            rows.append(row)
        frame = pd.DataFrame(rows)
        if frame.empty:
            return pd.DataFrame(columns=_LEADING + [self.primary_metric, "duration_seconds"])
        key = metrics.sort_key(self.primary_metric, self.task)
        frame["_key"] = [key(s) if not (isinstance(s, float) and math.isnan(s)) else math.inf
                         for s in frame[self.primary_metric]]
        frame = frame.sort_values(["_key", "iteration"], kind="stable").drop(columns="_key")
        return frame.reset_index(drop=True)

    def predict(self, X: pd.DataFrame):
        """Predictions of ``best_model`` on raw rows."""
        return self.best_model.predict(X)

    def __repr__(self) -> str:
        best = "none" if self.best_trial is None else (
            f"{self.best_trial.display_name} ({self.primary_metric}={self.best_trial.score:.4f})")
        return (f"AutoMLResult(name={self.name!r}, task={self.task!r}, status={self.status!r}, "
                f"trials={len(self.trials)}, best={best})")
