import contextlib
import threading
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd
import pytest

import automl
from automl.testing import registered_test_algorithm

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture
def small_classification_frame() -> pd.DataFrame:
    """120 rows, a numeric and a categorical feature, a learnable binary target."""
    rows = []
    for i in range(120):
        colour = ["red", "green", "blue"][i % 3]
        x = (i * 7) % 50
        rows.append({"x": float(x), "colour": colour, "label": "yes" if x > 25 or colour == "red" else "no"})
    return pd.DataFrame(rows)


@pytest.fixture
def small_regression_frame() -> pd.DataFrame:
    rows = [{"x": float(i % 40), "z": float((i * 3) % 11), "kind": ["a", "b"][i % 2],
             "y": 2.0 * (i % 40) + (5.0 if i % 2 else 0.0)} for i in range(150)]
    return pd.DataFrame(rows)


@contextlib.contextmanager
def tree_then_sleeper(frame: pd.DataFrame) -> Iterator[automl.jobs.AutoMLJob]:
    """A classification job of two trials, one at a time: a DecisionTree, then a Sleeper that sleeps
    until it is stopped (for the cancellation tests)."""
    with registered_test_algorithm("classification", "Sleeper", "sleep", priority=50):
        job = automl.classification(training_data=frame, target_column_name="label", log_verbosity="warning")
        job.set_training(allowed_training_algorithms=["DecisionTree", "Sleeper"])
        job.set_limits(max_trials=2, max_concurrent_trials=1)
        yield job


@pytest.fixture
def held_refit_fits(monkeypatch) -> Iterator[Callable[[Callable], None]]:
    """``held_refit_fits(hold)``: a fit for a final model (``_refit.refit_steps``) does not return until the
    test ends when ``hold(trial, fold)`` is true (``fold``: its place among the bag's folds, None for a refit
    on all rows), as the CatBoost refit that ran for 271 s of a 60-s job (#18). The trials, in their own
    processes, are not touched."""
    import numpy as np

    from automl.tasks.tabular import _refit

    release, holds = threading.Event(), []
    real = _refit.refit_steps

    def refit_steps(trial, prepared, n_jobs=1, rows=None, deadline=None):
        fold = None if rows is None else next(i for i, r in enumerate(_refit.bag_rows(prepared))
                                              if np.array_equal(r, rows))
        if any(hold(trial, fold) for hold in holds):
            release.wait(120)
        return real(trial, prepared, n_jobs, rows, deadline)

    monkeypatch.setattr(_refit, "refit_steps", refit_steps)
    yield holds.append
    release.set()
