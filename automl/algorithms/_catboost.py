"""CatBoost's estimators, made to behave like the other learners of a job.

- ``catboost.CatBoostClassifier.predict`` answers a column (``(n, 1)``) for some label types:
  :class:`CatBoostLabelClassifier` predicts one label per row, the class of highest probability,
  as scikit-learn's classifiers do.
- ``catboost.CatBoostRegressor`` has a ``classes_`` attribute (an empty list), which is how code
  that is handed a fitted model (scoring, explanations) tells a classifier: :class:`CatBoostValueRegressor`
  has none.

Everything else is CatBoost's own. (Both estimators write a ``catboost_info`` folder into the
working directory unless told not to: the algorithms table builds them with
``allow_writing_files=False``.)
"""
from __future__ import annotations

from typing import Any

import numpy as np
from catboost import CatBoostClassifier, CatBoostRegressor


class CatBoostLabelClassifier(CatBoostClassifier):
    """``CatBoostClassifier`` that predicts a one-dimensional array of the training labels."""

    def predict(self, X: Any, **kwargs: Any) -> np.ndarray:  # noqa: D102 - CatBoostClassifier.predict
        if kwargs.get("prediction_type", "Class") != "Class":
            return super().predict(X, **kwargs)
        return np.asarray(self.classes_)[np.argmax(self.predict_proba(X), axis=1)]


class CatBoostValueRegressor(CatBoostRegressor):
    """``CatBoostRegressor`` without ``classes_``: a model that predicts values, not classes."""

    @property
    def classes_(self) -> np.ndarray:  # noqa: D102
        raise AttributeError("a regressor has no classes_")
