"""XGBoost classifier that accepts any class labels, like scikit-learn's classifiers.

``xgboost.XGBClassifier`` only accepts the labels ``0 .. k-1``. The model
handed to users must predict the labels they trained on, so this subclass
encodes labels in ``fit`` and decodes them in ``predict``.
"""
from __future__ import annotations

import numpy as np
from sklearn.preprocessing import LabelEncoder
from xgboost import XGBClassifier


class XGBoostLabelClassifier(XGBClassifier):
    """``XGBClassifier`` with label encoding; ``classes_`` holds the original labels."""

    def fit(self, X, y, **fit_params):  # noqa: D102 - same contract as XGBClassifier.fit
        encoder = LabelEncoder().fit(np.asarray(y))
        self.label_encoder_ = None
        super().fit(X, encoder.transform(np.asarray(y)), **fit_params)
        self.label_encoder_ = encoder
        return self

    def predict(self, X, **kwargs):  # noqa: D102
        codes = np.asarray(super().predict(X, **kwargs)).astype(int)
        return self.label_encoder_.inverse_transform(codes)

    @property
    def classes_(self) -> np.ndarray:  # noqa: D102
        # While XGBClassifier.fit runs it checks the encoded classes 0 .. k-1.
        encoder = getattr(self, "label_encoder_", None)
        if encoder is None:
            return np.arange(self.n_classes_)
        return encoder.classes_
