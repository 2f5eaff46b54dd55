"""What ``job.submit()`` returns: :class:`AutoMLResult`, built once by the engine (:func:`run_job`)."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from automl.core import TrialResult
from automl.errors import AutoMLError, ConfigError, DataError
from automl.engine._insights import Insights, compute_insights, predicted_labels, scored_rows
from automl import explain
from automl.explain import Counterfactuals, ErrorAnalysis, Explanation, FairnessReport, RowExplanation
from automl.tasks import get_task

if TYPE_CHECKING:
    from mlflow.entities.model_registry import ModelVersion

    from automl.export import OnnxExport

_LEADING = ["name", "algorithm", "status"]
#: How often :meth:`AutoMLResult.wait_for_tracking` looks whether the background logging has ended.
TRACKING_POLL_SECONDS = 0.05


def unique_names(names: list[str]) -> list[str]:
    """``names`` with repeats made unique (``a``, ``a_2``...): a raw column named like an
    engineered feature (``colour_red``) must not give two features one name."""
    seen = set(names)
    out: list[str] = []
    used: set[str] = set()
    for name in names:
        candidate, k = name, 2
        while candidate in used or (candidate != name and candidate in seen):
            candidate, k = f"{name}_{k}", k + 1
        used.add(candidate)
        out.append(candidate)
    return out


def raw_rows(model: Any, X: Any, what: str = "predict") -> pd.DataFrame:
    """``X`` as the raw columns ``model`` was trained on, in training order.

    Columns may come in any order and extra columns are ignored; a missing
    training column, or rows that are not a table with column names, is a
    :class:`~automl.errors.DataError` naming the columns and the fix.
    """
    if isinstance(X, (dict, list)):
        X = pd.DataFrame(X)
    if not isinstance(X, pd.DataFrame):
        raise DataError(f"{what}: expected a pandas DataFrame of raw rows with named columns, got "
                        f"{type(X).__name__}. Build one with pandas.DataFrame(rows, columns=[...]).")
    columns = list(getattr(model, "feature_names_in_", []))
    if not columns:
        return X
    missing = [c for c in columns if c not in X.columns]
    if missing:
        raise DataError(
            f"{what}: the rows lack the training column(s) {', '.join(map(repr, missing[:10]))}"
            f"{'...' if len(missing) > 10 else ''}. Pass every column the model was trained on "
            "(leave unknown values empty: they are imputed); order does not matter and extra "
            "columns are ignored.")
    return X[columns]


@dataclass
class AutoMLResult:
    """The outcome of an AutoML job.

    Built once, at the end of the job, by the engine; the explanation and the MLflow
    record are the only fields filled afterwards (by the engine's last stage and by the
    tracker), and no other attribute is ever set on it.

    Attributes
    ----------
    name : str
        The job name; trials are named ``<name>_<n>``.
    task, primary_metric : str
        What was optimised.
    status : str
        ``"Completed"``; ``"Failed"`` when no trial produced a model; ``"Canceled"``.
    stop_reason : str
        Why the search stopped (limit reached, early termination, ...).
    best_model : sklearn.pipeline.Pipeline, ForecastingModel or None
        The best trial's model refit on all training data; takes raw rows.
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
    duration_seconds : float
        Wall time of the job.
    dropped_target_rows : int
        Rows dropped because their target was missing.
    data_shape : tuple of int
        Rows and columns of the training data.
    engineered_feature_names : list of str
        The featurization's outputs, as the models see them (empty for forecasting).
    check_rows : pandas.DataFrame or None
        A sample of raw validation rows that exports are checked on.
    datatransformer : object or None
        The featurization fitted on all training rows (the first step of ``best_model``).
    timings : dict of str to float
        Seconds spent in each stage of the job: ``setup`` (loading, guardrails,
        featurization), ``search`` (the trials), ``ensembles``, ``refit``, ``test``,
        ``explanation`` and ``tracking``.
    concurrent_trials : int
        How many trials ran at a time.
    pool_target : numpy.ndarray or None
        Target of the pool rows (training, then validation rows; forecasting: the
        validation windows); a trial's ``valid_rows`` index it, e.g. for the report's charts.
    classes : list or None
        Classes in the column order of the trials' ``valid_predictions`` (classification).
    positive_label : object or None
        The positive class of the ``*_binary`` metrics (classification).
    backtest_forecasts : pandas.DataFrame or None
        Forecasting: the best model's forecasts of the last validation window of every
        series (``series``, ``time``, ``actual``, ``forecast``, ``lower``, ``upper``: a 95%
        interval); :meth:`forecast_backtest` returns a few series of it.
    explanation : automl.explain.Explanation or None
        Raw- and engineered-feature importance of ``best_model``, when
        ``enable_model_explainability`` was on.
    final_model : str
        How ``best_model`` was trained and why, in one sentence (tabular: a bag of the
        cross-validation fold models, or a refit on all training rows; ``set_training(final_model=...)``).
    selection : str
        Why ``best_trial`` is not the trial with the best validation score, in one sentence
        (forecasting: a best trial that did not beat SeasonalNaive on the validation windows by
        more than the noise gives way to the best classical model that did, else SeasonalNaive);
        empty when it is.
        The leaderboard's ``note`` column shows it on the returned trial's row.
    budget_notes : list of str
        What the job shrank, skipped or deferred to keep its time limit, and why (empty when
        nothing was): a refit of another trial than the best, explanations skipped, MLflow
        logging that goes on in the background.
    insights : Insights or None
        The responsible-AI insights of the best model computed by the job (``set_insights``): error
        analysis, fairness, per-row explanations and counterfactuals, with notes on what was skipped.
    target_column_name : str or None
        The column the model predicts.
    target_range : (float, float) or None
        Regression: the training target's range, which normalised metrics divide by.
    state_folder : str or None
        The job's state folder, from which ``automl.resume`` and ``automl.extend`` continue it.
    sessions : list of dict
        The job's sessions, first to last: ``kind`` (``submit``, ``resume`` or ``extend``),
        ``started_at`` and ``ended_at`` (epoch seconds; None while it runs or when it was killed).
    previous_best : dict or None
        An extended or resumed job: the best trial of its earlier sessions (``name``, ``score``),
        which a new best model must beat to be registered (:attr:`improved`).
    mlflow_run_id, tracking_uri : str or None
        The job's MLflow parent run and the store it was logged to (credentials masked).
    tracking_errors : list of str
        What could not be logged to MLflow, and why (empty when everything was).
    logged_models : dict of str to str
        MLflow model URI of the best model by format (``"mlflow"``, ``"onnx"``).
    onnx_check : dict or None
        Figures of the last ONNX parity check (:class:`automl.export.OnnxCheck`).
    tracking_pending : list of str
        What MLflow was still logging when ``submit()`` returned (in the background; the
        process waits for it before it exits); emptied when the logging ends
        (:meth:`wait_for_tracking` waits for that).
    _tracking_store : str or None
        The store's URI as given, credentials included: kept in memory (private) for
        :meth:`register_model`, never printed, logged or written.
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
    check_rows: pd.DataFrame | None = field(default=None, repr=False)
    datatransformer: Any = field(default=None, repr=False)
    timings: dict[str, float] = field(default_factory=dict)
    concurrent_trials: int = 1
    pool_target: np.ndarray | None = field(default=None, repr=False)
    classes: list | None = None
    positive_label: Any = None
    backtest_forecasts: pd.DataFrame | None = field(default=None, repr=False)
    explanation: Explanation | None = None
    final_model: str = ""
    selection: str = ""
    budget_notes: list[str] = field(default_factory=list)
    insights: Insights | None = None
    target_column_name: str | None = None
    target_range: tuple[float, float] | None = None
    state_folder: str | None = None
    sessions: list[dict[str, Any]] = field(default_factory=list)
    previous_best: dict[str, Any] | None = None
    mlflow_run_id: str | None = None
    tracking_uri: str | None = None
    tracking_errors: list[str] = field(default_factory=list)
    logged_models: dict[str, str] = field(default_factory=dict)
    onnx_check: dict[str, Any] | None = None
    tracking_pending: list[str] = field(default_factory=list)
    _tracking_store: str | None = field(default=None, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        """The result as pickled (the state folder's ``result.pkl``, read back by :func:`automl.load_result`):
        without the tracking store's URI as given (its credentials are kept in memory only), and with
        nothing pending, as no process logs a result read back (``budget_notes`` say whether the logging
        went on in the background)."""
        state = dict(self.__dict__)
        state["_tracking_store"], state["tracking_pending"] = None, []
        return state

    def explain_rows(self, X: pd.DataFrame, *, n_permutations: int = 16, seed: int = 0) -> RowExplanation:
        """The contribution of each raw column to each row's prediction (:func:`automl.explain.explain_rows`:
        exact tree contributions where the model has them, else sampled Shapley values, which say so)."""
        return explain.explain_rows(self.best_model, X, self.check_rows, n_permutations=n_permutations, seed=seed)

    def error_analysis(self, data: pd.DataFrame, *, columns: list[str] | None = None) -> ErrorAnalysis:
        """Where the best model errs on the labelled rows ``data`` (the target column included): the error
        tree and the heat map over the first two of ``columns`` that bin (default: the raw columns by importance)."""
        X, y, prediction = scored_rows(self.best_model, data, self.target_column_name, self.classes)
        importance = [] if self.explanation is None else list(self.explanation.raw_importance["feature"])
        errors, definition = explain.prediction_errors(y, predicted_labels(prediction, self.classes),
                                               classes=self.classes is not None)
        return explain.analyse_errors(X, errors, definition, columns=columns or importance,
                              source=f"{len(X)} rows given")

    def fairness(self, data: pd.DataFrame, sensitive_features: list[str]) -> FairnessReport:
        """Every metric of the task per group of ``sensitive_features`` on the labelled rows ``data``."""
        X, y, prediction = scored_rows(self.best_model, data, self.target_column_name, self.classes)
        unknown = [c for c in sensitive_features if c not in X.columns]
        if unknown:
            raise ConfigError(f"sensitive_features: no column {unknown[0]!r} in the rows.")
        low, high = self.target_range if self.target_range is not None else (None, None)
        return explain.fairness_report(y, prediction, X[list(sensitive_features)], classes=self.classes,
                               positive_label=self.positive_label, y_min=low, y_max=high)

    def counterfactuals(self, X: pd.DataFrame, *, immutable: list[str] = (),
                        desired_range: tuple[float, float] | None = None,
                        reference: pd.DataFrame | None = None) -> Counterfactuals:
        """The smallest changes to each row of ``X``, in at most three columns, that change its predicted class
        (or move its value into ``desired_range``), within the ranges of ``reference`` (default: the job's
        sample of validation rows). :func:`automl.explain.find_counterfactuals`."""
        return explain.find_counterfactuals(self.best_model, X, self.check_rows if reference is None else reference,
                                    immutable=immutable, desired_range=desired_range)

    def compute_insights(self, data: pd.DataFrame, *, sensitive_features: list[str] = (),
                         immutable_features: list[str] = (), max_seconds: float = 60.0) -> Insights:
        """All four insights on the labelled rows ``data``, later and with more time than the job had
        (:func:`automl.engine._insights.compute_insights`); also stored as ``self.insights``, which the
        report shows."""
        X, y, prediction = scored_rows(self.best_model, data, self.target_column_name, self.classes)
        importance = [] if self.explanation is None else list(self.explanation.raw_importance["feature"])
        self.insights = compute_insights(
            self.best_model, (X, y, prediction, f"{len(X)} labelled rows given after the job"), classes=self.classes,
            positive_label=self.positive_label, target_range=self.target_range,
            sensitive_features=list(sensitive_features), immutable_features=list(immutable_features),
            importance=importance, max_seconds=max_seconds)
        return self.insights

    @property
    def improved(self) -> bool:
        """Whether the best model is new: a first session's always is; a continued job's only when its
        best trial scores better than the earlier sessions' best (``previous_best``) on validation."""
        if self.best_trial is None:
            return False
        if self.previous_best is None or self.previous_best.get("score") is None:
            return True
        key = get_task(self.task).sort_key(self.primary_metric)
        return key(self.best_trial.score) < key(float(self.previous_best["score"]))

    def wait_for_tracking(self, timeout: float | None = None) -> bool:
        """Wait for the MLflow logging that went on in the background after ``submit()`` returned.

        A job at its time limit returns without waiting for the rest of its logging
        (:attr:`tracking_pending` lists it); read the job's MLflow runs, or remove their store, after
        this returns True.

        Parameters
        ----------
        timeout : float, optional
            The most seconds to wait; None waits until the logging ends.

        Returns
        -------
        bool
            True when nothing is left to log, False when ``timeout`` passed first.
        """
        end = math.inf if timeout is None else time.monotonic() + timeout
        while self.tracking_pending and time.monotonic() < end:
            time.sleep(TRACKING_POLL_SECONDS)
        return not self.tracking_pending

    def featurize(self, X: pd.DataFrame) -> pd.DataFrame:
        """The engineered features of raw rows ``X``, as the models see them.

        One column per engineered feature (``engineered_feature_names``); sparse
        featurization comes back as a sparse DataFrame.
        """
        X = raw_rows(self.datatransformer, X, "featurize")
        out = self.datatransformer.transform(X)
        columns = self.engineered_feature_names or None
        if sp.issparse(out):
            return pd.DataFrame.sparse.from_spmatrix(out, index=X.index, columns=columns)
        return pd.DataFrame(out, index=X.index, columns=columns)

    @property
    def leaderboard(self) -> pd.DataFrame:
        """One row per trial, best first; failed and canceled trials last with their error. When the
        returned trial is not the best score (:attr:`selection`), a ``note`` column says why on its row."""
        rows = []
        for t in self.trials:
            row = {"name": t.name, "algorithm": t.display_name, "status": t.status,
                   self.primary_metric: t.score, "duration_seconds": round(t.duration_seconds, 3),
                   "iteration": t.iteration}
            row.update({k: v for k, v in t.metrics.items() if k != self.primary_metric})
            row["error"] = t.error
            if self.selection:
                row["note"] = f"returned: {self.selection}" if t is self.best_trial else None
            rows.append(row)
        frame = pd.DataFrame(rows)
        if frame.empty:
            return pd.DataFrame(columns=_LEADING + [self.primary_metric, "duration_seconds"])
        key = get_task(self.task).sort_key(self.primary_metric)
        frame["_key"] = [key(s) if not (isinstance(s, float) and math.isnan(s)) else math.inf
                         for s in frame[self.primary_metric]]
        frame = frame.sort_values(["_key", "iteration"], kind="stable").drop(columns="_key")
        return frame.reset_index(drop=True)

    def __post_init__(self) -> None:
        self.engineered_feature_names = unique_names([str(n) for n in self.engineered_feature_names])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predictions of ``best_model`` on raw rows.

        The rows need every training column (in any order; extra columns are
        ignored). A value that does not fit its column (text in a numeric column, a
        category never seen in training) is treated as missing or unknown, as in training.

        Raises
        ------
        DataError
            A training column is missing, or ``X`` is not a table with column names.
        AutoMLError
            The job produced no model (``status`` ``"Failed"``).
        """
        if self.best_model is None:
            raise AutoMLError(f"job {self.name} has no model to predict with (status {self.status}: "
                              f"{self.stop_reason}); see result.leaderboard for the trials' errors.")
        return self.best_model.predict(raw_rows(self.best_model, X))

    def register_model(self, name: str, *, tags: dict[str, str] | None = None, format: str = "mlflow",
                       description: str | None = None, tracking_uri: str | None = None) -> ModelVersion:
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

        Warnings
        --------
        The ``"mlflow"`` format is a pickle (cloudpickle): loading one runs whatever code
        it holds. Load models only from registries and folders you trust; never load one
        from an untrusted path or upload. The ``"onnx"`` format is a graph, not code, and
        is the one to exchange.
        """
        from automl.tracking import register_result_model

        if format == "onnx":
            self._require_onnx()
        return register_result_model(self, name, tags=tags, format=format, description=description,
                                     tracking_uri=tracking_uri)

    def export_onnx(self, path: str | Path, *, X: pd.DataFrame | None = None, strict: bool = True) -> OnnxExport:
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

        self._require_onnx()
        exported = convert_result(self, path, X, strict=strict)
        self.onnx_check = exported.check.to_dict()
        return exported

    def _require_onnx(self) -> None:
        if not get_task(self.task).exports_onnx:
            raise ConfigError(f"ONNX export is not supported for {self.task} models (as in Azure): register the "
                              "model with format='mlflow', or pickle result.best_model.")

    def forecast_backtest(self, max_series: int = 4) -> pd.DataFrame:
        """The best model's forecasts over the last validation window, with 95% intervals.

        Forecasting results only: the rolling-origin fold closest to the end of the data
        (:attr:`backtest_forecasts`), for up to ``max_series`` series.

        Returns
        -------
        DataFrame
            ``series`` (the id values joined with ``|``; ``""`` for a single series), ``time``,
            ``actual``, ``forecast``, ``lower`` and ``upper`` (a 95% prediction interval).

        Raises
        ------
        ConfigError
            The result is not a forecasting result, or ``max_series`` is not a whole number >= 1.
        """
        if self.backtest_forecasts is None:
            raise ConfigError(f"forecast_backtest applies to forecasting results, not {self.task}.")
        if isinstance(max_series, bool) or not isinstance(max_series, int) or max_series < 1:
            raise ConfigError(f"max_series must be a whole number of at least 1, got {max_series!r}.")
        frame = self.backtest_forecasts
        chosen = list(dict.fromkeys(frame["series"]))[:max_series]
        return frame[frame["series"].isin(chosen)].reset_index(drop=True)

    def save_report(self, path: str | Path) -> Path:
        """Write the studio-style report: one self-contained HTML file that works offline.

        Sections: overview, data guardrails, featurization, models (leaderboard,
        failed and canceled trials included), timeline, the best model's metrics
        and charts, explanations and test metrics (when present).

        Parameters
        ----------
        path : str or Path
            Where to write it (parent folders are created).

        Returns
        -------
        pathlib.Path
            The file written.
        """
        from automl.report import save_report

        return save_report(self, path)

    def __repr__(self) -> str:
        best = "none" if self.best_trial is None else (
            f"{self.best_trial.display_name} ({self.primary_metric}={self.best_trial.score:.4f})")
        return (f"AutoMLResult(name={self.name!r}, task={self.task!r}, status={self.status!r}, "
                f"trials={len(self.trials)}, best={best})")
