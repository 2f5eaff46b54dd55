"""The systems the tabular benchmark compares, each declared once in ``SYSTEMS``.

Every ``fit_*`` function trains one system on the training frame under a time
budget and returns a :class:`Fitted`: a ``predict`` callable giving class
probabilities (classification) or values (regression) for raw rows, the number
of trials it completed, and extra figures. Only pandas, numpy and scikit-learn
are imported at module level: this module also runs in the AutoGluon
environment, which has no automl-studio.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd


@dataclass
class Fitted:
    """What a trained system hands back to the harness."""

    predict: Callable[[pd.DataFrame], np.ndarray]
    trials: int
    best: str
    extra: dict[str, Any] = field(default_factory=dict)
    #: Exports the model and returns its ONNX Runtime predict (called after the wall time is taken).
    make_onnx_predict: Callable[[], Callable[[pd.DataFrame], np.ndarray] | None] | None = None
    classes: list | None = None  # column order of the probabilities
    #: Waits, at most the seconds given, for what the system still does after returning (automl-studio's
    #: MLflow logging: ``result.wait_for_tracking``); True when nothing is left. None: nothing goes on.
    settle: Callable[[float], bool] | None = None


def _classes(model: Any) -> list | None:
    classes = getattr(model, "classes_", None)
    return None if classes is None else list(classes)


def fit_automl_studio(train: pd.DataFrame, entry: dict, budget: float, seed: int,
                      workdir: Path) -> Fitted:
    """automl-studio with its defaults (MLflow tracking into ``workdir``)."""
    import automl
    from automl.engine._budget import trial_allowance

    os.environ.setdefault("MLFLOW_TRACKING_URI", f"sqlite:///{workdir / 'mlflow.db'}")
    factory = automl.classification if entry["task"] == "classification" else automl.regression
    job = factory(training_data=train, target_column_name=entry["target"],
                  primary_metric=entry["metric"], seed=seed)
    job.set_limits(timeout_minutes=budget / 60)
    submitted = time.time()
    result = job.submit(show_progress=False)
    wall = time.time() - submitted  # the whole job: tracking and report included
    searched = [t for t in result.trials if t.ensemble is None]
    finished = [t.started_at + t.duration_seconds for t in searched if t.succeeded]
    busy = sum(t.duration_seconds for t in searched) / max(1, result.concurrent_trials)
    busy += result.timings.get("refit", 0.0)
    stages, mark = [], submitted
    for stage, seconds in result.timings.items():
        stages.append([f"job {stage}", mark, mark + seconds])
        mark += seconds
    extra = {
        "submit_seconds": round(wall, 2),
        "first_trial_seconds": round(min(finished) - submitted, 2) if finished else None,
        "outside_fit_share": round(max(0.0, 1.0 - busy / wall), 3),
        "timings": {k: round(v, 2) for k, v in result.timings.items()},
        "status": result.status, "stop_reason": result.stop_reason,
        "budget_notes": list(result.budget_notes), "tracking_pending": list(result.tracking_pending),
        "trial_peak_memory_mb": max((round(t.peak_memory_bytes / 2**20) for t in searched), default=0),
        "completed_trials": sum(t.succeeded for t in searched),
        "slow_trials": [[t.algorithm, round(t.duration_seconds, 1), t.status, (t.error or "")[:100]]
                        for t in searched if t.duration_seconds > trial_allowance(budget)],
        "stopped_for_pace": [[t.algorithm, round(t.duration_seconds, 1)] for t in searched
                             if (t.error or "").startswith("skipped: its first fold")],
        "stages": stages,
    }
    model = result.best_model
    if entry["task"] == "classification":
        predict = model.predict_proba
    else:
        predict = model.predict
    return Fitted(predict, len(result.trials), result.best_trial.display_name, extra,
                  lambda: _onnx_predictor(result, workdir, entry["task"], extra),
                  classes=_classes(model), settle=result.wait_for_tracking)


def _onnx_predictor(result: Any, workdir: Path, task: str, extra: dict) -> Callable | None:
    """onnxruntime scoring of the exported best model (feed conversion included)."""
    from automl.export import onnx_feed, run_in_parts, session

    try:
        exported = result.export_onnx(workdir / "model.onnx")
    except Exception as exc:  # reported, not fatal: the table says why ONNX is missing
        extra["onnx_error"] = f"{type(exc).__name__}: {exc}"[:300]
        return None
    sess, kinds = session(exported.graph), exported.input_kinds
    rows = exported.rows_per_run or 2**31  # a KNN's distances a bounded number of rows at a time
    position = [o.name for o in sess.get_outputs()].index("probabilities" if task == "classification" else "variable")

    def predict(X: pd.DataFrame) -> np.ndarray:
        return run_in_parts(sess, onnx_feed(X, kinds), rows)[position]
    return predict


def fit_flaml(train: pd.DataFrame, entry: dict, budget: float, seed: int, workdir: Path) -> Fitted:
    """FLAML's AutoML with its default estimators, on the same metric."""
    from flaml import AutoML

    X, y = train.drop(columns=[entry["target"]]), train[entry["target"]]
    if entry["task"] == "classification":
        metric = "roc_auc" if y.nunique() == 2 else "roc_auc_ovr_weighted"
    else:
        metric = "r2"
    model = AutoML()
    model.fit(X, y, task=entry["task"], metric=metric, time_budget=budget, n_jobs=os.cpu_count(),
              seed=seed, verbose=0, log_file_name=str(workdir / "flaml.log"))
    predict = model.predict_proba if entry["task"] == "classification" else model.predict
    return Fitted(predict, len(model.config_history), str(model.best_estimator),
                  classes=_classes(model))


def fit_autogluon(train: pd.DataFrame, entry: dict, budget: float, seed: int,
                  workdir: Path) -> Fitted:
    """AutoGluon-Tabular with its default preset (medium_quality)."""
    from autogluon.tabular import TabularPredictor

    target = entry["target"]
    if entry["task"] == "classification":
        binary = train[target].nunique() == 2
        metric, problem = ("roc_auc", "binary") if binary else ("roc_auc_ovr_weighted", "multiclass")
    else:
        metric, problem = "r2", "regression"
    predictor = TabularPredictor(label=target, eval_metric=metric, problem_type=problem,
                                 path=str(workdir / "autogluon"), verbosity=0)
    predictor.fit(train, time_limit=budget, num_cpus=os.cpu_count())
    if entry["task"] == "classification":
        def predict(X: pd.DataFrame) -> np.ndarray:
            return predictor.predict_proba(X, as_multiclass=True).to_numpy()
    else:
        def predict(X: pd.DataFrame) -> np.ndarray:
            return predictor.predict(X).to_numpy()
    classes = list(predictor.class_labels) if entry["task"] == "classification" else None
    return Fitted(predict, len(predictor.model_names()), str(predictor.model_best), classes=classes)


def _lightgbm_frame(X: pd.DataFrame) -> pd.DataFrame:
    """Numbers as they are, datetimes as epoch seconds, everything else as categories."""
    out = X.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].astype("int64", errors="ignore") / 1e9
        elif not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype("category")
    return out


def fit_lightgbm(train: pd.DataFrame, entry: dict, budget: float, seed: int,
                 workdir: Path) -> Fitted:
    """LightGBM with default parameters: the floor any AutoML should clear."""
    import lightgbm as lgb

    X, y = _lightgbm_frame(train.drop(columns=[entry["target"]])), train[entry["target"]]
    categories = {c: X[c].cat.categories for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)}
    estimator = lgb.LGBMClassifier if entry["task"] == "classification" else lgb.LGBMRegressor
    model = estimator(random_state=seed, verbose=-1, n_jobs=os.cpu_count()).fit(X, y)

    def prepare(rows: pd.DataFrame) -> pd.DataFrame:
        frame = _lightgbm_frame(rows)
        for column, levels in categories.items():
            frame[column] = pd.Categorical(frame[column].astype(object), categories=levels)
        return frame

    if entry["task"] == "classification":
        def predict(rows: pd.DataFrame) -> np.ndarray:
            return model.predict_proba(prepare(rows))
    else:
        def predict(rows: pd.DataFrame) -> np.ndarray:
            return model.predict(prepare(rows))
    return Fitted(predict, 1, "LGBM defaults", classes=_classes(model))


@dataclass(frozen=True)
class System:
    """One compared system: how to fit it and which environment it runs in."""

    name: str
    fit: Callable[..., Fitted]
    environment: str = "main"  # "main": the project's .venv; "autogluon": .venv-autogluon
    module: str = ""  # the import that must work for the system to be available


SYSTEMS: dict[str, System] = {s.name: s for s in [
    System("automl-studio", fit_automl_studio, module="automl"),
    System("FLAML", fit_flaml, module="flaml"),
    System("AutoGluon", fit_autogluon, environment="autogluon", module="autogluon.tabular"),
    System("LightGBM", fit_lightgbm, module="lightgbm"),
]}


def scratch_dir() -> Path:
    """A fresh temporary folder for one run's artefacts."""
    return Path(tempfile.mkdtemp(prefix="automl-bench-"))


#: How long a run's scratch folder waits for the system's background work before it is removed.
SETTLE_SECONDS = 300.0


def remove_scratch(workdir: Path, fitted: Fitted | None) -> None:
    """Remove ``workdir`` once ``fitted``'s background work (its MLflow logging into the folder's store)
    has ended, or :data:`SETTLE_SECONDS` later; removed under it, the logging fails ("attempt to write a
    readonly database") and its thread goes on into the next run."""
    if fitted is not None and fitted.settle is not None and not fitted.settle(SETTLE_SECONDS):
        print(f"background work of the run in {workdir} still going after {SETTLE_SECONDS:.0f} s; removed anyway",
              file=sys.stderr)
    shutil.rmtree(workdir, ignore_errors=True)
