"""The setup step of a tabular job: load and check the data, split it, featurize each fold once.

Everything here runs once per job, before the first trial. Trials only read
the prepared, featurized folds (:class:`TabularData`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd
from sklearn.base import clone

import featurizers
import guardrails
from automl.core import TrialData
from automl.data import conform_to_training, load_data
from automl.errors import ConfigError, DataError, did_you_mean
from automl.settings import DataSettings, FeaturizationSettings
from automl.tasks.tabular import _balancing, _featurized_size
from automl.tasks.tabular._bagging import BAG, REFIT
from automl.tasks.tabular._validation_plan import ValidationPlan, plan_validation, split_test

if TYPE_CHECKING:
    from automl.tasks.tabular._tabular_tasks import TabularTask

__all__ = ["CHECK_ROWS", "FoldData", "TabularData", "load_frames", "prepare"]

#: Validation rows kept on a result to check exports on.
CHECK_ROWS = 2000


@dataclass
class FoldData:
    """Featurized arrays of one fold."""

    X_train: Any
    y_train: np.ndarray
    X_valid: Any
    y_valid: np.ndarray
    valid_rows: np.ndarray
    w_train: np.ndarray | None = None
    w_valid: np.ndarray | None = None


@dataclass
class TabularData:
    """What trials and the final refit need, computed once in the setup step."""

    task: TabularTask
    target: str
    X: pd.DataFrame                      # raw features of the pool (training, then validation rows)
    y: np.ndarray
    sample_weight: np.ndarray | None
    validation: ValidationPlan
    featurization_plan: featurizers.FeaturizationPlan
    folds: list[FoldData]
    refit_transformer: Any               # the datatransformer fitted on all training rows
    X_refit: Any                         # featurized training rows
    classes: np.ndarray | None = None
    positive_label: Any = None
    y_min: float | None = None
    y_max: float | None = None
    X_test: pd.DataFrame | None = None
    y_test: np.ndarray | None = None
    w_test: np.ndarray | None = None
    dropped_target_rows: int = 0
    featurization_summary: list[dict] = field(default_factory=list)
    guardrails: list = field(default_factory=list)
    class_weights: dict | None = None    # applied to training rows when they help (Class balancing)
    final_model: str = REFIT             # how the final model is trained: BAG or REFIT (._bagging)
    final_model_reason: str = ""

    @property
    def models_per_member(self) -> int:
        """Models the final model holds per trial it is made of: one per fold for a bag, else one."""
        return self.validation.n_folds if self.final_model == BAG else 1

    @property
    def n_pool(self) -> int:
        """Rows of the pool: training rows, then validation rows."""
        return len(self.y)

    @property
    def n_train_rows(self) -> int:
        """Rows the final model is refit on."""
        return len(self.validation.refit_rows)

    @property
    def data_shape(self) -> tuple[int, int]:
        """Rows and feature columns of the pool."""
        return tuple(self.X.shape)

    @property
    def datatransformer(self) -> Any:
        """The featurization fitted on all training rows: the first step of every refit model."""
        return self.refit_transformer

    @property
    def engineered_feature_names(self) -> list[str]:
        """Names of the featurization's outputs (empty when the transformer cannot name them)."""
        try:
            return [str(n) for n in self.refit_transformer.get_feature_names_out()]
        except Exception:  # a transformer without names must not fail the job
            return []

    def validation_rows(self) -> np.ndarray:
        """Pool rows some fold validates on (every training row under cross-validation)."""
        return np.unique(np.concatenate([f.valid_rows for f in self.folds])) if self.folds \
            else np.arange(len(self.X))

    def check_rows(self, limit: int = CHECK_ROWS, seed: int = 0) -> pd.DataFrame:
        """Up to ``limit`` raw validation rows (a fixed random sample) that exports are checked on."""
        rows = self.validation_rows()
        if len(rows) > limit:
            rows = np.sort(np.random.default_rng(seed).choice(rows, size=limit, replace=False))
        return self.X.iloc[rows].reset_index(drop=True)

    def trial_data(self) -> TrialData:
        """What a trial needs, and nothing more: shipped once to trial processes."""
        return TrialData(task=self.task.name, folds=self.folds, n_pool=len(self.y), classes=self.classes,
                         positive_label=self.positive_label, y_min=self.y_min, y_max=self.y_max)

    def refit_arrays(self) -> tuple[Any, np.ndarray, np.ndarray | None]:
        """Featurized features, target and fitting weights of all training rows."""
        rows = self.validation.refit_rows
        return self.X_refit, self.y[rows], self.fit_weights(self.y[rows], rows)

    def fit_weights(self, y: np.ndarray, rows: np.ndarray) -> np.ndarray | None:
        """Weights models are fitted with: the user's, times the class weights when applied."""
        w = None if self.sample_weight is None else self.sample_weight[rows]
        if self.class_weights is None:
            return w
        balance = _balancing.row_weights(y, self.class_weights)
        return balance if w is None else w * balance


def _require_column(frame: pd.DataFrame, column: str, setting: str, source: str) -> None:
    if column not in frame.columns:
        raise DataError(
            f"{setting}: column {column!r} is not in {source}.{did_you_mean(column, map(str, frame.columns))} "
            f"Columns: {', '.join(map(str, list(frame.columns)[:30]))}."
        )


def _drop_missing_target(frame: pd.DataFrame, target: str) -> tuple[pd.DataFrame, int]:
    missing = frame[target].isna()
    return frame.loc[~missing].reset_index(drop=True), int(missing.sum())


def load_frames(settings: DataSettings, task: TabularTask) -> dict[str, Any]:
    """Load training, validation and test data and check their target columns."""
    target = settings.target_column_name
    if not target:
        raise ConfigError("target_column_name is required: name the column to predict.")
    frames: dict[str, Any] = {"dropped": 0}
    for role in ("training_data", "validation_data", "test_data"):
        source = getattr(settings, role)
        if source is None:
            frames[role] = None
            continue
        frame = load_data(source, setting=role)
        _require_column(frame, target, "target_column_name", role)
        frame, dropped = _drop_missing_target(frame, target)
        frames["dropped"] += dropped
        if frame.empty:
            raise DataError(f"{role} has no rows with a value in the target column {target!r}.")
        frames[role] = task.check_target(frame, target, role)
    train = frames["training_data"]
    for role in ("validation_data", "test_data"):
        if frames[role] is not None:
            frames[role] = task.conform_target(conform_to_training(frames[role], train, target, role),
                                               train, target, role)
    if settings.test_data_size is not None:
        frames["training_data"], frames["test_data"] = split_test(
            train, target, settings.test_data_size, stratify=task.strata(train[target]) is not None)
    return frames


def _plan_featurization(X: pd.DataFrame, settings: FeaturizationSettings, onnx: bool,
                        counts: featurizers.ColumnCounts | None = None) -> featurizers.FeaturizationPlan:
    try:
        return featurizers.plan_featurization(
            X, mode=settings.mode, column_name_and_types=settings.column_name_and_types,
            blocked_transformers=settings.blocked_transformers,
            transformer_params=settings.transformer_params, onnx_compatible=onnx, counts=counts)
    except featurizers.FeaturizationConfigError as exc:
        raise ConfigError(f"set_featurization: {exc}") from None


def _require_features(plan: featurizers.FeaturizationPlan) -> None:
    """Refuse data whose every feature column the featurization drops: nothing to learn from."""
    if plan.steps:
        return
    why = "; ".join(f"{c!r}: {plan.notes.get(c, 'dropped')}" for c in list(plan.recipes)[:10])
    raise DataError(
        f"training_data: featurization drops every feature column ({why}), leaving nothing to "
        "learn from. Add informative columns, or keep a column with "
        "set_featurization(column_name_and_types={'<column>': 'Categorical'}) (or 'Numeric', 'Text').")


def _featurize_folds(plan: featurizers.FeaturizationPlan, X: pd.DataFrame, y: np.ndarray, w: np.ndarray | None,
                     validation: ValidationPlan) -> tuple[list[FoldData], Any, Any]:
    template = plan.build()
    folds = []
    for fold in validation.folds:
        transformer = clone(template).fit(X.iloc[fold.train], y[fold.train])
        folds.append(FoldData(
            transformer.transform(X.iloc[fold.train]), y[fold.train],
            transformer.transform(X.iloc[fold.valid]), y[fold.valid], fold.valid,
            None if w is None else w[fold.train], None if w is None else w[fold.valid]))
    rows = validation.refit_rows
    refit = clone(template).fit(X.iloc[rows], y[rows])
    return folds, refit, refit.transform(X.iloc[rows])


def _mitigate_memory(plan: featurizers.FeaturizationPlan, X: pd.DataFrame, y: np.ndarray,
                     validation: ValidationPlan, task: TabularTask, seed: int,
                     memory_limit: Callable[[int | None], int | None]) -> tuple[ValidationPlan, dict[str, Any]]:
    """Estimate the featurized folds' size; switch auto CV to a holdout when it would not fit in the
    available memory (or the job's ``memory_limit(available)``, when lower)."""
    available = guardrails.available_memory_bytes()
    limit = memory_limit(available)
    room = min((v for v in (available, limit) if v is not None), default=None)
    copies = validation.n_folds + 1  # every fold holds about all the rows, plus the refit copy
    estimate = _featurized_size.featurized_bytes(plan.build(), X.iloc[validation.refit_rows], y, copies)
    facts = {"featurized_bytes_estimate": estimate, "available_memory_bytes": available, "memory_limit_bytes": limit}
    if (room and estimate > _featurized_size.MAX_SHARE * room and validation.auto
            and validation.method == "cross_validation"):
        validation = plan_validation(len(validation.refit_rows), task.strata(y[validation.refit_rows]),
                                     validation_data_size=0.1, seed=seed)
        facts["memory_mitigation"] = ("a 10% holdout instead of cross-validation, so the featurized "
                                      "data is held twice instead of once per fold")
        facts["featurized_bytes_estimate"] = _featurized_size.featurized_bytes(
            plan.build(), X.iloc[validation.refit_rows], y, 2)
    return validation, facts


def _split_pool(settings: DataSettings,
                frames: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """The pool (training then validation rows), its feature columns and the cv split columns."""
    train, valid = frames["training_data"], frames["validation_data"]
    pool = train if valid is None else pd.concat([train, valid[train.columns]], ignore_index=True)
    non_features = [settings.target_column_name]
    if settings.weight_column_name:
        _require_column(pool, settings.weight_column_name, "weight_column_name", "training_data")
        non_features.append(settings.weight_column_name)
    cv_columns = None
    if settings.cv_split_column_names:
        for column in settings.cv_split_column_names:
            _require_column(pool, column, "cv_split_column_names", "training_data")
        cv_columns = pool[list(settings.cv_split_column_names)]
        non_features += list(settings.cv_split_column_names)
    X = pool.drop(columns=non_features)
    if X.shape[1] == 0:
        raise DataError(f"training_data has no feature columns besides {', '.join(non_features)}.")
    return pool, X, cv_columns


def _weights(pool: pd.DataFrame, weight: str | None) -> np.ndarray | None:
    if not weight:
        return None
    w = pd.to_numeric(pool[weight], errors="coerce").to_numpy(dtype=float)
    if np.isnan(w).any() or (w < 0).any():
        raise DataError(f"weight_column_name: column {weight!r} must hold non-negative numbers in every row.")
    return w


def prepare(settings: DataSettings, featurization: FeaturizationSettings, *, task: TabularTask,
            positive_label: Any = None, onnx_compatible: bool = False, seed: int = 0,
            primary_metric: str | None = None,
            memory_limit: Callable[[int | None], int | None] = lambda available: None) -> TabularData:
    """Run the setup step of a tabular job and return the prepared data.

    With ``primary_metric`` given, imbalanced classification data gets balanced class
    weights when a quick check shows they improve that metric. ``memory_limit(available)`` is the
    job's memory limit in bytes (``LimitSettings.memory_limit_bytes``), or None.
    """
    frames = load_frames(settings, task)
    train, valid = frames["training_data"], frames["validation_data"]
    target, weight = settings.target_column_name, settings.weight_column_name
    pool, X, cv_columns = _split_pool(settings, frames)
    y, w = pool[target].to_numpy(), _weights(pool, weight)
    validation = plan_validation(
        len(train), task.strata(y[: len(train)]), n_validation_rows=0 if valid is None else len(valid),
        validation_data_size=settings.validation_data_size,
        n_cross_validations=settings.n_cross_validations, cv_columns=cv_columns, seed=seed)
    plan = _plan_featurization(X.iloc[validation.refit_rows], featurization, onnx_compatible)
    _require_features(plan)
    validation, memory = _mitigate_memory(plan, X, y, validation, task, seed, memory_limit)
    folds, refit, X_refit = _featurize_folds(plan, X, y, w, validation)
    prepared = TabularData(task, target, X, y, w, validation, plan, folds, refit, X_refit,
                           dropped_target_rows=frames["dropped"])
    prepared.featurization_summary = plan.summary(refit)
    task.describe_target(prepared, y[validation.refit_rows], positive_label)
    test = frames["test_data"]
    if test is not None:
        prepared.X_test = test[X.columns]
        prepared.y_test = test[target].to_numpy()
        if weight and weight in test.columns:
            prepared.w_test = pd.to_numeric(test[weight], errors="coerce").to_numpy(dtype=float)
    if primary_metric is not None:
        task.balance_classes(prepared, primary_metric, seed)
    context = guardrails.GuardrailContext(
        X=X.iloc[validation.refit_rows], y=pd.Series(y[validation.refit_rows]), task=task.name,
        purposes=plan.purposes, validation=validation.to_dict(),
        class_weights_applied=prepared.class_weights is not None,
        featurization_mode=featurization.mode, **memory)
    prepared.guardrails = guardrails.run_all(context)
    return prepared
