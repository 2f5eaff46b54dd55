"""A fast stand-in for a slow model, so its raw columns can all be shuffled within the time budget.

Permutation importance predicts ``columns x repeats`` shuffled copies of the rows. For a model
that predicts slowly (an ensemble of bagged members, a kernel SVM) that does not fit a short
budget. Azure's AutoML explains such models through a *mimic*: a LightGBM model trained on the
raw rows to reproduce the model's own predictions. :class:`Surrogate` is that mimic: it is fitted
on the predictions the explanation already made to time the model, then shuffled in its place
(scored against the true target with the job's metric, so the importances keep their units).
It takes the rows as :class:`RawEncoder` gives them (each column encoded on its own as numbers, so
shuffling encoded columns is shuffling raw ones). How closely it follows the model on rows it did not see
is its ``fidelity_`` (R²).

Examples
--------
>>> rng = np.random.default_rng(0)
>>> X = pd.DataFrame({"a": rng.normal(size=300), "b": rng.choice(["x", "y"], size=300)})
>>> values = 2 * X["a"].to_numpy() + (X["b"] == "x")
>>> encoder = RawEncoder().fit(X)
>>> encoded = encoder.transform(X)
>>> surrogate = Surrogate("values", seed=0).fit(encoded, values, categorical=encoder.categorical_columns())
>>> bool(surrogate.fidelity_ > 0.9), surrogate.predict(encoded).shape
(True, (300,))
"""
from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from lightgbm import LGBMRegressor
from sklearn.metrics import r2_score

__all__ = ["RawEncoder", "Surrogate"]

#: Share of the rows held out to measure the surrogate's fidelity.
FIDELITY_SHARE = 0.2
#: LightGBM settings: small trees, enough of them for a few hundred rows, quiet and repeatable.
_PARAMS = {"n_estimators": 100, "learning_rate": 0.1, "num_leaves": 15, "min_child_samples": 5,
           "n_jobs": 1, "verbose": -1, "deterministic": True}

Output = Literal["probabilities", "values"]


def _is_number(column: pd.Series) -> bool:
    return ((pd.api.types.is_numeric_dtype(column) and not isinstance(column.dtype, pd.CategoricalDtype))
            or pd.api.types.is_bool_dtype(column))


def _is_time(column: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(column) or pd.api.types.is_timedelta64_dtype(column)


class RawEncoder:
    """Raw columns as floats LightGBM takes: numbers and booleans as they are, dates and durations as
    seconds, anything else as the code of its category among the values seen in ``fit`` (others, and
    missing values, as NaN).

    Attributes
    ----------
    categories_ : dict of str to pandas.Index
        The categories of each column encoded as one.
    """

    def fit(self, X: pd.DataFrame) -> RawEncoder:
        """Learn the categories of the columns that are neither numbers nor times."""
        self.categories_ = {}
        for name in X.columns:
            column = X[name]
            if not (_is_number(column) or _is_time(column)):
                values = column.dropna().astype("string").astype(object)
                self.categories_[name] = pd.Index(sorted(set(values)), dtype=object)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """``X`` encoded, same columns and index."""
        columns = {}
        for name in X.columns:
            column = X[name]
            if name in self.categories_:
                values = column.astype("string").astype(object).where(column.notna(), None)
                codes = self.categories_[name].get_indexer(values).astype(float)
                columns[name] = np.where(codes >= 0, codes, np.nan)
            elif pd.api.types.is_datetime64_any_dtype(column):
                stamps = pd.to_datetime(column)
                columns[name] = (stamps - pd.Timestamp(0, tz=stamps.dt.tz)).dt.total_seconds().to_numpy()
            elif pd.api.types.is_timedelta64_dtype(column):
                columns[name] = column.dt.total_seconds().to_numpy()
            else:
                columns[name] = pd.to_numeric(column, errors="coerce").astype(float).to_numpy()
        return pd.DataFrame(columns, index=X.index)

    def categorical_columns(self) -> list[str]:
        """The columns encoded as category codes."""
        return list(self.categories_)


class Surrogate:
    """LightGBM trained on encoded rows (:class:`RawEncoder`) to reproduce another model's predictions.

    Parameters
    ----------
    output : {"probabilities", "values"}
        What is reproduced: class probabilities (every classification metric scores them; one
        regressor per class, one for two classes, rows renormalised to sum to 1) or regression values.
    seed : int, default=0

    Attributes
    ----------
    fidelity_ : float
        R² of the reproduced predictions (pooled over the classes' probabilities) on the
        :data:`FIDELITY_SHARE` of the rows held out of the fit.
    """

    def __init__(self, output: Output, seed: int = 0) -> None:
        self.output = output
        self.seed = seed

    def fit(self, X: pd.DataFrame, prediction: np.ndarray, categorical: list[str] | tuple = ()) -> Surrogate:
        """Learn ``prediction`` (the model's, for the rows of ``X``) from the encoded rows ``X``, whose
        ``categorical`` columns hold category codes."""
        target = np.asarray(prediction, dtype=float)
        values = X.to_numpy(dtype=float)
        wanted = set(categorical)
        codes = [i for i, name in enumerate(X.columns) if name in wanted] or "auto"
        order = np.random.default_rng(self.seed).permutation(len(X))
        held = order[: max(1, int(FIDELITY_SHARE * len(X)))]
        train = np.setdiff1d(order, held) if len(X) > len(held) else held
        columns = target.reshape(len(target), -1)
        self.n_outputs_ = columns.shape[1]
        learned = columns[:, 1:] if self.n_outputs_ == 2 else columns  # two classes: p0 = 1 - p1
        params = {**_PARAMS, "random_state": self.seed}
        self.boosters_ = [LGBMRegressor(**params).fit(values[train], learned[train, k],
                                                      categorical_feature=codes).booster_
                          for k in range(learned.shape[1])]
        self.fidelity_ = float(r2_score(target[held].reshape(-1), self._predict(values[held]).reshape(-1)))
        return self

    def _predict(self, values: np.ndarray) -> np.ndarray:
        columns = np.column_stack([booster.predict(values) for booster in self.boosters_])
        if self.output == "values":
            return columns[:, 0]
        if self.n_outputs_ == 2:
            positive = np.clip(columns[:, 0], 0.0, 1.0)
            return np.column_stack([1.0 - positive, positive])
        columns = np.clip(columns, 0.0, None)
        totals = columns.sum(axis=1, keepdims=True)
        return np.where(totals > 0, columns / np.where(totals > 0, totals, 1.0), 1.0 / columns.shape[1])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Reproduced values of the encoded rows ``X``."""
        return self._predict(X.to_numpy(dtype=float))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Reproduced class probabilities of the encoded rows ``X``, each row summing to 1."""
        return self._predict(X.to_numpy(dtype=float))
