"""The setup step: load and check the data, split it, featurize each fold once.

Everything here runs once per job, before the first trial. Trials only read
the prepared, featurized folds (:class:`PreparedData`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

import featurizers
import guardrails
from automl import _balancing, _memory
from automl.data import load_data
from automl.data._consistency import conform_to_training
from automl.errors import ConfigError, DataError, did_you_mean
from automl.settings import DataSettings, FeaturizationSettings
from automl.trials import TrialData
from automl.validation import ValidationPlan, plan_validation, split_test


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
class PreparedData:
    """What trials and the final refit need, computed once in the setup step."""

    task: str
    target: str
    X: pd.DataFrame                      # raw features of the pool (training, then validation rows)
    y: np.ndarray
    sample_weight: np.ndarray | None
    validation: ValidationPlan
    featurization_plan: Any
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

    @property
    def n_pool(self) -> int:
        """Rows of the pool: training rows, then validation rows."""
        return len(self.y)

    @property
    def n_train_rows(self) -> int:
        """Rows the final model is refit on."""
        return len(self.validation.refit_rows)

    def trial_data(self) -> TrialData:
        """What a trial needs, and nothing more: shipped once to trial processes."""
        return TrialData(task=self.task, folds=self.folds, n_pool=len(self.y), classes=self.classes,
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


def _check_target(frame: pd.DataFrame, target: str, task: str, source: str) -> None:
    if frame.empty:
        raise DataError(f"{source} has no rows with a value in the target column {target!r}.")
    if task == "classification" and source == "training_data" and frame[target].nunique() < 2:
        only = frame[target].iloc[0]
        raise DataError(
            f"The target column {target!r} of {source} holds a single class ({only!r}); "
            "classification needs at least two. Check the target column or use more data."
        )
    if task == "regression":
        values = pd.to_numeric(frame[target], errors="coerce")
        bad = values.isna() & frame[target].notna()
        if bad.any():
            raise DataError(
                f"Regression needs a numeric target, but column {target!r} of {source} holds "
                f"{frame[target][bad].iloc[0]!r}. Convert the column to numbers or use "
                "automl.classification for categories."
            )
        frame[target] = values.astype(float)
        infinite = np.isinf(frame[target].to_numpy())
        if infinite.any():
            raise DataError(
                f"The target column {target!r} of {source} holds {int(infinite.sum())} infinite "
                "value(s). Replace them with finite numbers or drop those rows.")
        if source == "training_data" and frame[target].nunique() < 2:
            raise DataError(
                f"The target column {target!r} of {source} holds the same value "
                f"({float(frame[target].iloc[0])!r}) in every row; there is nothing to learn. "
                "Check the target column or use more data.")


def load_frames(settings: DataSettings, task: str) -> dict[str, Any]:
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
        _check_target(frame, target, task, role)
        frames[role] = frame
    train = frames["training_data"]
    for role in ("validation_data", "test_data"):
        if frames[role] is not None:
            frames[role] = conform_to_training(frames[role], train, target, task, role)
    if settings.test_data_size is not None:
        frames["training_data"], frames["test_data"] = split_test(
            train, target, settings.test_data_size, stratify=task == "classification")
    return frames


def _plan_featurization(X: pd.DataFrame, settings: FeaturizationSettings, onnx: bool):
    try:
        return featurizers.plan_featurization(
            X, mode=settings.mode, column_name_and_types=settings.column_name_and_types,
            blocked_transformers=settings.blocked_transformers,
            transformer_params=settings.transformer_params, onnx_compatible=onnx)
    except featurizers.FeaturizationConfigError as exc:
        raise ConfigError(f"set_featurization: {exc}") from None


def _require_features(plan: Any) -> None:
    """Refuse data whose every feature column the featurization drops: nothing to learn from."""
    if plan.steps:
        return
    why = "; ".join(f"{c!r}: {plan.notes.get(c, 'dropped')}" for c in list(plan.recipes)[:10])
    raise DataError(
        f"training_data: featurization drops every feature column ({why}), leaving nothing to "
        "learn from. Add informative columns, or keep a column with "
        "set_featurization(column_name_and_types={'<column>': 'Categorical'}) (or 'Numeric', 'Text').")


def _featurize_folds(plan: Any, X: pd.DataFrame, y: np.ndarray, w: np.ndarray | None,
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


def _resolve_positive_label(classes: np.ndarray, positive_label: Any) -> Any:
    if positive_label is None:
        return None
    for c in classes:
        if c == positive_label or str(c) == str(positive_label):
            return c
    raise DataError(f"positive_label {positive_label!r} is not a class of the target; "
                    f"classes: {', '.join(map(repr, classes.tolist()))}.")


def _mitigate_memory(plan: Any, X: pd.DataFrame, y: np.ndarray, validation: ValidationPlan,
                     task: str, seed: int) -> tuple[ValidationPlan, dict[str, Any]]:
    """Estimate the featurized folds' size; switch auto CV to a holdout when it would not fit."""
    available = guardrails.available_memory_bytes()
    copies = validation.n_folds + 1  # every fold holds about all the rows, plus the refit copy
    estimate = _memory.featurized_bytes(plan.build(), X.iloc[validation.refit_rows], y, copies)
    facts = {"featurized_bytes_estimate": estimate, "available_memory_bytes": available}
    if (available and estimate > _memory.MAX_SHARE * available and validation.auto
            and validation.method == "cross_validation"):
        validation = plan_validation(len(validation.refit_rows),
                                     y[validation.refit_rows] if task == "classification" else None,
                                     validation_data_size=0.1, seed=seed)
        facts["memory_mitigation"] = ("a 10% holdout instead of cross-validation, so the featurized "
                                      "data is held twice instead of once per fold")
        facts["featurized_bytes_estimate"] = _memory.featurized_bytes(
            plan.build(), X.iloc[validation.refit_rows], y, 2)
    return validation, facts


def _apply_class_weights(prepared: PreparedData, primary_metric: str | None, seed: int) -> None:
    """Balanced class weights for the training rows, when a quick check shows they help."""
    y_train = prepared.y[prepared.validation.refit_rows]
    if prepared.task != "classification" or primary_metric is None or not _balancing.is_imbalanced(y_train):
        return
    if not _balancing.class_weights_help(prepared.folds[0], prepared.classes, primary_metric,
                                         prepared.positive_label, seed):
        return
    prepared.class_weights = _balancing.balanced_weights(y_train)
    for fold, spec in zip(prepared.folds, prepared.validation.folds):
        fold.w_train = prepared.fit_weights(fold.y_train, spec.train)


def prepare(settings: DataSettings, featurization: FeaturizationSettings, *, task: str,
            positive_label: Any = None, onnx_compatible: bool = False, seed: int = 0,
            primary_metric: str | None = None) -> PreparedData:
    """Run the setup step of a job and return the prepared data.

    With ``primary_metric`` given, imbalanced classification data gets balanced class
    weights when a quick check shows they improve that metric.
    """
    frames = load_frames(settings, task)
    train, valid = frames["training_data"], frames["validation_data"]
    target, weight = settings.target_column_name, settings.weight_column_name
    pool = train if valid is None else pd.concat([train, valid[train.columns]], ignore_index=True)
    non_features = [target]
    if weight:
        _require_column(pool, weight, "weight_column_name", "training_data")
        non_features.append(weight)
    cv_columns = None
    if settings.cv_split_column_names:
        for column in settings.cv_split_column_names:
            _require_column(pool, column, "cv_split_column_names", "training_data")
        cv_columns = pool[list(settings.cv_split_column_names)]
        non_features += list(settings.cv_split_column_names)
    X = pool.drop(columns=non_features)
    if X.shape[1] == 0:
        raise DataError(f"training_data has no feature columns besides {', '.join(non_features)}.")
    y = pool[target].to_numpy()
    w = None
    if weight:
        w = pd.to_numeric(pool[weight], errors="coerce").to_numpy(dtype=float)
        if np.isnan(w).any() or (w < 0).any():
            raise DataError(f"weight_column_name: column {weight!r} must hold non-negative numbers "
                            "in every row.")
    validation = plan_validation(
        len(train), y[: len(train)] if task == "classification" else None,
        n_validation_rows=0 if valid is None else len(valid),
        validation_data_size=settings.validation_data_size,
        n_cross_validations=settings.n_cross_validations, cv_columns=cv_columns, seed=seed)
    plan = _plan_featurization(X.iloc[validation.refit_rows], featurization, onnx_compatible)
    _require_features(plan)
    validation, memory = _mitigate_memory(plan, X, y, validation, task, seed)
    folds, refit, X_refit = _featurize_folds(plan, X, y, w, validation)
    prepared = PreparedData(task, target, X, y, w, validation, plan, folds, refit, X_refit,
                            dropped_target_rows=frames["dropped"])
    prepared.featurization_summary = plan.summary(refit)
    y_train = y[validation.refit_rows]
    if task == "classification":
        prepared.classes = np.unique(y_train)
        prepared.positive_label = _resolve_positive_label(prepared.classes, positive_label)
    else:
        prepared.y_min, prepared.y_max = float(np.min(y_train)), float(np.max(y_train))
    test = frames["test_data"]
    if test is not None:
        prepared.X_test = test[X.columns]
        prepared.y_test = test[target].to_numpy()
        if weight and weight in test.columns:
            prepared.w_test = pd.to_numeric(test[weight], errors="coerce").to_numpy(dtype=float)
    _apply_class_weights(prepared, primary_metric, seed)
    context = guardrails.GuardrailContext(
        X=X.iloc[validation.refit_rows], y=pd.Series(y_train), task=task,
        purposes=plan.purposes, validation=validation.to_dict(),
        class_weights_applied=prepared.class_weights is not None,
        featurization_mode=featurization.mode, **memory)
    prepared.guardrails = guardrails.run_all(context)
    return prepared
