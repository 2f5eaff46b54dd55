"""How trials are validated: cross-validation folds, holdouts and the test split.

All indices are positions in the *pool*: the training rows, followed by the
rows of ``validation_data`` when the user gave one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import (
    KFold,
    ShuffleSplit,
    StratifiedKFold,
    StratifiedShuffleSplit,
    train_test_split,
)

import guardrails
from automl.errors import DataError


@dataclass
class Fold:
    """One train/validation split as positions in the pool."""

    train: np.ndarray
    valid: np.ndarray


@dataclass
class ValidationPlan:
    """The validation scheme chosen for a job.

    Attributes
    ----------
    method : str
        ``"cross_validation"``, ``"holdout"``, ``"validation_data"``,
        ``"monte_carlo"`` or ``"custom_cv"``.
    folds : list of Fold
        The splits every trial is scored on.
    refit_rows : ndarray
        Pool positions the best model is refit on (all training rows).
    auto : bool
        Whether the scheme was chosen by the auto rule.
    details : dict
        Numbers behind the choice (folds, fraction, rows), for guardrails and reports.
    """

    method: str
    folds: list[Fold]
    refit_rows: np.ndarray
    auto: bool
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def n_folds(self) -> int:
        """The number of splits."""
        return len(self.folds)

    def describe(self) -> str:
        """One sentence for people: what was chosen and why."""
        d = self.details
        if self.method == "cross_validation":
            why = (f" because the training data has {d['n_rows']:,} rows "
                   f"(at most {guardrails.HOLDOUT_MIN_ROWS:,}: {guardrails.SMALL_DATA_FOLDS} folds under "
                   f"{guardrails.SMALL_DATA_ROWS:,} rows, {guardrails.DEFAULT_FOLDS} otherwise)") if self.auto else ""
            return f"{self.n_folds}-fold cross-validation{why}."
        if self.method == "holdout":
            why = (f" because the training data has more than {guardrails.HOLDOUT_MIN_ROWS:,} rows"
                   f" ({d['n_rows']:,})") if self.auto else ""
            return f"A {d['fraction']:.0%} holdout of the training data{why}."
        if self.method == "monte_carlo":
            return f"Monte Carlo cross-validation: {self.n_folds} random {d['fraction']:.0%} holdouts."
        if self.method == "custom_cv":
            return f"{self.n_folds} user-defined folds from cv_split_column_names."
        return f"The given validation_data ({d['n_valid_rows']:,} rows)."

    def to_dict(self) -> dict[str, Any]:
        """A plain description for guardrails, MLflow and reports."""
        return {"method": self.method, "n_folds": self.n_folds, "auto": self.auto,
                "description": self.describe(), **self.details}


def _can_stratify(y: np.ndarray | None, n_splits: int) -> bool:
    if y is None:
        return False
    counts = pd.Series(y).value_counts()
    return len(counts) > 1 and int(counts.min()) >= n_splits


def _kfold(y: np.ndarray | None, n_rows: int, n_splits: int, seed: int) -> list[Fold]:
    if n_rows < n_splits:
        raise DataError(
            f"n_cross_validations={n_splits} needs at least {n_splits} training rows, "
            f"the data has {n_rows}. Use fewer folds or more data."
        )
    splitter = (StratifiedKFold(n_splits, shuffle=True, random_state=seed) if _can_stratify(y, n_splits)
                else KFold(n_splits, shuffle=True, random_state=seed))
    unused_X = np.zeros(n_rows)  # splitters only look at the number of rows
    return [Fold(t, v) for t, v in splitter.split(unused_X, y if y is not None else unused_X)]


def _holdouts(y: np.ndarray | None, n_rows: int, fraction: float, n_splits: int, seed: int) -> list[Fold]:
    n_valid = int(np.ceil(n_rows * fraction))
    if n_valid < 1 or n_rows - n_valid < 1:
        raise DataError(
            f"validation_data_size={fraction} leaves no rows for training or validation "
            f"in {n_rows} rows. Use a fraction that keeps both sides non-empty, or more data."
        )
    stratify = y is not None and _can_stratify(y, 2) and n_valid >= len(np.unique(y))
    cls = StratifiedShuffleSplit if stratify else ShuffleSplit
    splitter = cls(n_splits=n_splits, test_size=fraction, random_state=seed)
    unused_X = np.zeros(n_rows)  # splitters only look at the number of rows
    return [Fold(t, v) for t, v in splitter.split(unused_X, y if stratify else None)]


def _custom_folds(cv_columns: pd.DataFrame) -> list[Fold]:
    folds = []
    for column in cv_columns.columns:
        values = pd.to_numeric(cv_columns[column], errors="coerce")
        bad = ~values.isin([0, 1])
        if bad.any():
            first = cv_columns[column][bad].tolist()[0]
            raise DataError(
                f"cv_split_column_names: column {column!r} must hold 1 (train row) or 0 "
                f"(validation row); found {first!r}. Fix the column or drop it from the list."
            )
        train, valid = np.flatnonzero(values == 1), np.flatnonzero(values == 0)
        if len(train) == 0 or len(valid) == 0:
            raise DataError(f"cv_split_column_names: column {column!r} must mark both train (1) "
                            "and validation (0) rows.")
        folds.append(Fold(train, valid))
    return folds


def plan_validation(
    n_rows: int,
    y: np.ndarray | None,
    *,
    n_validation_rows: int = 0,
    validation_data_size: float | None = None,
    n_cross_validations: int | str | None = None,
    cv_columns: pd.DataFrame | None = None,
    seed: int = 0,
) -> ValidationPlan:
    """Choose the validation scheme, following Azure's rules.

    Parameters
    ----------
    n_rows : int
        Rows of training data (the start of the pool).
    y : ndarray or None
        The training target when splits should be stratified (classification).
    n_validation_rows : int
        Rows of ``validation_data`` appended to the pool (0 when none).
    validation_data_size, n_cross_validations :
        The user's settings; ``None`` (or ``"auto"`` folds) applies the auto rule.
    cv_columns : DataFrame or None
        The ``cv_split_column_names`` columns, one per fold.
    seed : int
        Random seed of the splits.
    """
    all_rows = np.arange(n_rows)
    base = {"n_rows": n_rows}
    if n_validation_rows:
        fold = Fold(all_rows, np.arange(n_rows, n_rows + n_validation_rows))
        return ValidationPlan("validation_data", [fold], all_rows, False,
                              {**base, "n_valid_rows": n_validation_rows})
    if cv_columns is not None:
        return ValidationPlan("custom_cv", _custom_folds(cv_columns), all_rows, False, base)
    n_cv = None if isinstance(n_cross_validations, str) else n_cross_validations
    if validation_data_size is not None and n_cv is not None:
        folds = _holdouts(y, n_rows, validation_data_size, n_cv, seed)
        return ValidationPlan("monte_carlo", folds, all_rows, False,
                              {**base, "fraction": validation_data_size})
    if validation_data_size is not None:
        folds = _holdouts(y, n_rows, validation_data_size, 1, seed)
        return ValidationPlan("holdout", folds, all_rows, False, {**base, "fraction": validation_data_size})
    if n_cv is not None:
        return ValidationPlan("cross_validation", _kfold(y, n_rows, n_cv, seed), all_rows, False, base)
    rule = guardrails.auto_validation(n_rows)  # Azure's rule, written once (in guardrails)
    if rule["method"] == "holdout":
        folds = _holdouts(y, n_rows, rule["fraction"], 1, seed)
        return ValidationPlan("holdout", folds, all_rows, True, {**base, "fraction": rule["fraction"]})
    n_splits = min(rule["n_folds"], n_rows)
    return ValidationPlan("cross_validation", _kfold(y, n_rows, n_splits, seed), all_rows, True, base)


def split_test(
    frame: pd.DataFrame, target: str, test_size: float, *, stratify: bool, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``test_size`` of ``frame`` off as test data, before any validation split.

    Stratified on ``target`` for classification when every class has two rows.
    """
    y = frame[target]
    use_strata = stratify and y.value_counts().min() >= 2
    try:
        train, test = train_test_split(frame, test_size=test_size, random_state=seed,
                                       stratify=y if use_strata else None)
    except ValueError as exc:
        raise DataError(f"test_data_size={test_size} cannot split {len(frame)} rows: {exc}. "
                        "Use a larger fraction or more data.") from None
    return train.reset_index(drop=True), test.reset_index(drop=True)
