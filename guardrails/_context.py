"""Everything a guardrail may look at, gathered once by the caller."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

__all__ = ["GuardrailContext", "TASKS", "TaskTraits", "DROPPED_PURPOSES", "missing_counts", "missing_mask",
           "unique_counts"]


@dataclass(frozen=True)
class TaskTraits:
    """What the guardrails need to know of a task.

    Attributes
    ----------
    class_labels : bool
        The target holds class labels (the class balance check applies).
    rolling_origin : bool
        Trials are validated on windows after successive origins, not on random rows.
    """

    class_labels: bool = False
    rolling_origin: bool = False


#: The tasks a context may be for: the one table of task names in this package.
TASKS: dict[str, TaskTraits] = {
    "classification": TaskTraits(class_labels=True),
    "regression": TaskTraits(),
    "forecasting": TaskTraits(rolling_origin=True),
}
#: Column purposes whose columns the featurizer drops (mirrors ``featurizers``' names).
DROPPED_PURPOSES = frozenset({"Hashes", "Ignore", "AllNan"})


@dataclass
class GuardrailContext:
    """Inputs of the guardrails.

    Parameters
    ----------
    X : DataFrame
        Training features (no target column).
    y : Series or None
        Training target.
    task : {"classification", "regression", "forecasting"}
    purposes : dict of str to str, optional
        Column purposes from the featurizer (``Numeric``, ``Categorical``, ``CategoricalHash``,
        ``DateTime``, ``Text``, ``Hashes``, ``Ignore``, ``AllNan``).
    validation : dict, optional
        The validation scheme, e.g. ``{"method": "cross_validation", "n_folds": 10,
        "auto": True, "n_rows": 891}``, ``{"method": "holdout", "fraction": 0.1, "auto": True}``
        or ``{"method": "validation_data"}``; ``None`` means Azure's automatic rule.
    class_weights_applied : bool, default=False
        Whether class weights are used to counter imbalance.
    featurized_bytes_estimate : int, optional
        Expected size of the featurized training data.
    available_memory_bytes : int, optional
        Memory available for it.
    memory_mitigation : str, optional
        What was done to fit in memory (e.g. "sparse output", "sampled to 1,000,000 rows").
    memory_limit_bytes : int, optional
        The job's memory limit (AutoGluon's ``memory_limit``), when it has one.
    featurization_mode : str, default="auto"
        ``auto`` / ``custom`` / ``off``; with ``off`` nothing is imputed or dropped.
    total_rows : int, optional
        The rows of the whole training data, when ``X`` and ``y`` are a sample of it (data that
        stays on a cluster); the counts below are over those rows.
    total_class_counts : Series, optional
        Rows per class over the whole training data; the class balance check reads it instead of ``y``.
    total_missing_counts : dict of str to int, optional
        Missing values per column over the whole training data, counted as :func:`missing_counts`
        counts them; the missing-values check reads it instead of ``X``.
    total_unique_counts : dict of str to int, optional
        Distinct non-missing values per column over the whole training data, counted as
        :func:`unique_counts` counts them; the cardinality and constant-column checks read it
        instead of ``X`` (:meth:`unique_counts`).
    """

    X: pd.DataFrame
    y: pd.Series | None
    task: str
    purposes: dict[str, str] | None = None
    validation: dict[str, Any] | None = None
    class_weights_applied: bool = False
    featurized_bytes_estimate: int | None = None
    available_memory_bytes: int | None = None
    memory_mitigation: str | None = None
    memory_limit_bytes: int | None = None
    featurization_mode: str = "auto"
    total_rows: int | None = None
    total_class_counts: pd.Series | None = None
    total_missing_counts: dict[str, int] | None = None
    total_unique_counts: dict[str, int] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.X, pd.DataFrame):
            raise TypeError(f"GuardrailContext.X must be a pandas DataFrame, got {type(self.X).__name__}.")
        if self.task not in TASKS:
            raise ValueError(f"GuardrailContext.task must be one of {tuple(TASKS)}, got {self.task!r}.")

    @property
    def traits(self) -> TaskTraits:
        """What the guardrails need to know of the task."""
        return TASKS[self.task]

    @property
    def featurizing(self) -> bool:
        """Whether the featurizer imputes and drops (mode ``auto`` or ``custom``)."""
        return str(self.featurization_mode).lower() != "off"

    def unique_counts(self) -> dict[str, int]:
        """Distinct non-missing values per column of ``X``: over the whole training data when
        ``total_unique_counts`` has them, else over ``X``."""
        total = self.total_unique_counts or {}
        counted = unique_counts(self.X[[c for c in self.X.columns if c not in total]])
        return {c: total[c] if c in total else counted[c] for c in self.X.columns}

    def purpose(self, column: str) -> str | None:
        """The featurizer's purpose of ``column``, if known."""
        return (self.purposes or {}).get(column)


def missing_mask(values: pd.Series) -> np.ndarray:
    """Whether each value is missing, as the guardrails count it (``NaN``, ``None``, ``NaT``, and ``+/-inf``
    in float columns)."""
    missing = values.isna().to_numpy()
    dtype = values.dtype
    if ptypes.is_float_dtype(dtype):
        missing = missing | np.isinf(values.to_numpy(dtype=np.float64, na_value=np.nan))
    return missing


def missing_counts(X: pd.DataFrame) -> dict[str, int]:
    """Missing values per column (``NaN``, ``None``, ``NaT``, and ``+/-inf`` in float columns)."""
    return {column: int(missing_mask(X[column]).sum()) for column in X.columns}


def unique_counts(X: pd.DataFrame) -> dict[str, int]:
    """Distinct non-missing values per column (``+/-inf`` excluded in float columns)."""
    return {column: int(X[column][~missing_mask(X[column])].nunique()) for column in X.columns}
