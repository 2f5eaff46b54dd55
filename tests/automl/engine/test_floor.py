"""The floor: a job's model scores on held-out rows at least as well as LightGBM with default parameters
trained on the same rows, even when a learner of the search diverges."""
from __future__ import annotations

import numpy as np
import pandas as pd
from lightgbm import LGBMRegressor
from sklearn.metrics import r2_score

import automl
from automl.testing import registered_test_algorithm

#: Run-to-run noise allowed below the floor (r2 on 1,000 held-out rows).
NOISE = 0.01


def _frame(n: int, seed: int) -> pd.DataFrame:
    """Interactions and a threshold that trees find and linear learners do not, plus noise."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=(n, 4))
    kind = rng.choice(["a", "b", "c"], size=n)
    y = (np.sin(2 * x[:, 0]) * x[:, 1] + (x[:, 2] > 0.5) * 2 + 0.5 * x[:, 3] ** 2
         + np.select([kind == "a", kind == "b"], [1.0, -1.0], 0.0) + rng.normal(scale=0.3, size=n))
    return pd.DataFrame({**{f"x{i}": x[:, i] for i in range(4)}, "kind": kind, "y": y})


def test_the_returned_model_is_not_below_lightgbm_defaults_when_a_learner_diverges():
    train, test = _frame(2000, 0), _frame(1000, 1)
    with registered_test_algorithm("regression", "Diverging", "diverge", priority=100):
        job = automl.regression(training_data=train, target_column_name="y", primary_metric="r2_score",
                                log_verbosity="warning")
        job.set_training(allowed_training_algorithms=["Diverging", "ElasticNet", "KNN", "DecisionTree",
                                                      "LightGBM"],
                         enable_model_explainability=False)
        job.set_limits(max_trials=14, max_concurrent_trials=2, timeout_minutes=2)
        result = job.submit(show_progress=False)
    diverged = [t for t in result.trials if t.algorithm == "Diverging"]
    assert diverged and all(t.score <= -0.99 for t in diverged)  # r2 clipped at -1, as the SGD of issue 6
    X_test = test.drop(columns="y")
    floor = r2_score(test["y"], LGBMRegressor(verbose=-1, n_jobs=1).fit(train.drop(columns="y").assign(
        kind=train["kind"].astype("category")), train["y"]).predict(X_test.assign(kind=X_test["kind"].astype(
            "category"))))
    returned = r2_score(test["y"], result.best_model.predict(X_test))
    assert returned >= floor - NOISE, (returned, floor, [(t.display_name, round(t.score, 3)) for t in result.trials])
