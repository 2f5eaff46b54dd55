"""CatBoost's classifier, made to predict like the other classifiers of a job.

``catboost.CatBoostClassifier.predict`` answers a column (``(n, 1)``) for some label types. The
subclass here predicts one label per row, the class of highest probability, as scikit-learn's
classifiers do; everything else is CatBoost's own. (Both CatBoost estimators write a
``catboost_info`` folder into the working directory unless told not to: the algorithms table
builds them with ``allow_writing_files=False``.)
"""
from __future__ import annotations

from typing import Any

import numpy as np
from catboost import CatBoostClassifier


class CatBoostLabelClassifier(CatBoostClassifier):
    """``CatBoostClassifier`` that predicts a one-dimensional array of the training labels."""

    def predict(self, X: Any, **kwargs: Any) -> np.ndarray:  # noqa: D102 - CatBoostClassifier.predict
        if kwargs.get("prediction_type", "Class") != "Class":
            return super().predict(X, **kwargs)
        return np.asarray(self.classes_)[np.argmax(self.predict_proba(X), axis=1)]
