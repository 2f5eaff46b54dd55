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
    mlflow_run_id, tracking_uri : str or None
        The job's MLflow parent run and the store it was logged to.
    tracking_errors : list of str
        What could not be logged to MLflow, and why (empty when everything was).
    logged_models : dict of str to str
        MLflow model URI of the best model by format (``"mlflow"``, ``"onnx"``).
    onnx_check : dict or None
        Figures of the last ONNX parity check (:class:`automl.export.OnnxCheck`).
    check_rows : pandas.DataFrame or None
        A sample of raw validation rows that exports are checked on.
    timings : dict of str to float
        Seconds spent in each stage of the job: ``setup`` (loading, guardrails,
        featurization), ``search`` (the trials), ``ensembles``, ``refit``, ``test``
        and ``tracking``.
    concurrent_trials : int
        How many trials ran at a time.
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
    mlflow_run_id: str | None = None
    tracking_uri: str | None = None
    tracking_errors: list[str] = field(default_factory=list)
    logged_models: dict[str, str] = field(default_factory=dict)
    onnx_check: dict[str, Any] | None = None
    check_rows: pd.DataFrame | None = field(default=None, repr=False)
    datatransformer: Any = field(default=None, repr=False)
    timings: dict[str, float] = field(default_factory=dict)
    concurrent_trials: int = 1

    def featurize(self, X: pd.DataFrame) -> pd.DataFrame:
        """The engineered features of raw rows ``X``, as the models see them.

        One column per engineered feature (``engineered_feature_names``); sparse
        featurization comes back as a sparse DataFrame.
        """
        import scipy.sparse as sp

        out = self.datatransformer.transform(X)
        columns = self.engineered_feature_names or None
        if sp.issparse(out):
            return pd.DataFrame.sparse.from_spmatrix(out, index=X.index, columns=columns)
        return pd.DataFrame(out, index=X.index, columns=columns)

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

    def register_model(self, name: str, *, tags: dict[str, str] | None = None, format: str = "mlflow",
                       description: str | None = None, tracking_uri: str | None = None):
        """Register ``best_model`` in the MLflow model registry as a new version of ``name``.

        Parameters
        ----------
        name : str
            Registered model name.
        tags : dict, optional
            Tags of the new version.
        format : {"mlflow", "onnx"}, default="mlflow"
            ``"mlflow"``: the model with the sklearn and pyfunc flavours (cloudpickle,
            signature of the raw columns, input example, pinned requirements);
            ``"onnx"``: the ONNX graph (onnx flavour), checked against ``best_model``.
        description : str, optional
        tracking_uri : str, optional
            Registry to use; default: where the job was tracked (``tracking_uri``).

        Returns
        -------
        mlflow.entities.model_registry.ModelVersion
            ``mlflow.pyfunc.load_model(f"models:/{name}/{version.version}")`` loads it.
        """
        from automl.tracking import register_result_model

        return register_result_model(self, name, tags=tags, format=format, description=description,
                                     tracking_uri=tracking_uri)

    def export_onnx(self, path, *, X: pd.DataFrame | None = None, strict: bool = True):
        """Write ``best_model`` as one ONNX graph, checked against it with onnxruntime.

        The graph takes one input per raw column (double for numerics, string for
        categoricals and text with ``""`` for missing, double epoch seconds for
        dates; :func:`automl.export.onnx_feed` builds the feed from raw rows) and
        outputs ``label`` and ``probabilities`` (classification) or ``variable``
        (regression).

        Parameters
        ----------
        path : str or Path
            Where to write the graph.
        X : DataFrame, optional
            Raw rows to check on; default: the job's validation rows (``check_rows``).
        strict : bool, default=True
            Raise :class:`~automl.errors.AutoMLError` (and write nothing) when the
            graph does not match ``best_model`` (probabilities within 1e-4, labels
            equal on 99.9% of rows).

        Returns
        -------
        automl.export.OnnxExport
            ``model``, ``input_kinds``, ``check`` (its figures, also kept in ``onnx_check``), ``path``.

        Raises
        ------
        ConfigError
            A step of the model has no ONNX converter; the message names it and
            suggests ``enable_onnx_compatible_models=True``.
        """
        from automl.export import convert_result

        exported = convert_result(self, path, X, strict=strict)
        self.onnx_check = exported.check.to_dict()
        return exported

    def __repr__(self) -> str:
        best = "none" if self.best_trial is None else (
            f"{self.best_trial.display_name} ({self.primary_metric}={self.best_trial.score:.4f})")
        return (f"AutoMLResult(name={self.name!r}, task={self.task!r}, status={self.status!r}, "
                f"trials={len(self.trials)}, best={best})")
