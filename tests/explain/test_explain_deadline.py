"""Explanations keep to their time budget: columns left unshuffled get NaN, and the note says so."""
import time

import numpy as np
import pandas as pd
from sklearn.dummy import DummyRegressor

from automl.explain import explain_model


class SlowRegressor(DummyRegressor):
    """A model whose every predict call costs 0.3 s, whatever the number of rows."""

    def predict(self, X):
        time.sleep(0.3)
        return super().predict(X)


def test_a_slow_model_is_explained_within_its_budget():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.random((300, 12)), columns=[f"c{i}" for i in range(12)])
    y = X["c0"].to_numpy() + rng.random(300)
    model = SlowRegressor().fit(X, y)
    started = time.perf_counter()
    explanation = explain_model(model, X, y, task="regression", metric="r2_score", max_seconds=1.0,
                                y_min=float(y.min()), y_max=float(y.max()))
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0 + 2 * 0.3 + 0.5  # at most the call under way when time ran out
    skipped = int(explanation.raw_importance["importance"].isna().sum())
    assert 0 < skipped < 12
    assert f"{skipped} raw column(s) were not shuffled" in explanation.details["note"]
    assert explanation.engineered_importance is None
