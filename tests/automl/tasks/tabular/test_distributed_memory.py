"""Data larger than a worker: two ``dask worker`` processes (with their nannies, as ``dask worker`` runs by
default), each with a ``--memory-limit`` below the size of the featurized training data, train a
``training_mode="distributed"`` job on it.

The nanny restarts a worker past 95% of its limit, under a new address: the job's trial would fail with
the worker lost, and the cluster's workers would change.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

import automl
from tests._dask_cluster import dask_cluster

pytestmark = pytest.mark.slow

FILES, ROWS_PER_FILE, NUMERIC = 24, 275_000, 40
#: Files drawn at random; the others are copies of them (drawing all 24 took 25 s of the test's setup).
DRAWN_FILES = 3
#: Each worker's memory limit, in bytes: below the featurized training data (about 1.11 GB of float32).
MEMORY_LIMIT = 1_050_000_000


def _frame(rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """Numeric columns (float32, as Parquet stores them) with missing values, a categorical column, and a
    binary label that depends on them."""
    x = rng.standard_normal(size=(rows, NUMERIC), dtype=np.float32)
    kind = rng.choice(np.array(["alpha", "beta", "gamma"]), size=rows)
    logit = x[:, 0] - 0.8 * x[:, 1] + 0.6 * x[:, 2] * x[:, 3] + np.where(kind == "alpha", 0.9, 0.0)
    frame = pd.DataFrame(x, columns=[f"n{j:02d}" for j in range(NUMERIC)]).assign(kind=kind)
    frame.loc[rng.random(rows) < 0.05, "n05"] = np.nan
    frame["label"] = np.where(rng.random(rows) < 1 / (1 + np.exp(-logit)), "yes", "no")
    return frame


@pytest.fixture(scope="module")
def wide_parquet(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("distributed-wide") / "train"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(FILES):
        path = folder / f"part-{i:03d}.parquet"
        if i < DRAWN_FILES:
            _frame(ROWS_PER_FILE, rng).to_parquet(path, index=False)
        else:
            shutil.copyfile(folder / f"part-{i % DRAWN_FILES:03d}.parquet", path)
    return folder, _frame(20_000, rng)


def test_workers_whose_memory_limit_is_below_the_featurized_data_train_on_it(wide_parquet, tmp_path):
    from distributed import Client

    folder, test = wide_parquet
    with dask_cluster(tmp_path, memory_limit=str(MEMORY_LIMIT), nanny=True) as started:
        with Client(started.address.replace("dask://", "tcp://"), timeout=30) as client:
            workers = set(client.scheduler_info()["workers"])
            job = automl.classification(training_data=str(folder), target_column_name="label", name="wide_job",
                                        log_verbosity="warning", enable_model_explainability=False)
            job.set_training(training_mode="distributed", allowed_training_algorithms=["LightGBM"])
            job.set_limits(max_trials=1, timeout_minutes=3)
            result = job.submit(compute=started.address, show_progress=False)
            assert set(client.scheduler_info()["workers"]) == workers  # none restarted past its limit
    (trial,) = result.trials
    assert trial.succeeded, trial.error
    features = len(result.best_model[:-1].get_feature_names_out())
    featurized = FILES * ROWS_PER_FILE * features * np.dtype(np.float32).itemsize
    assert featurized > MEMORY_LIMIT, (featurized, MEMORY_LIMIT)  # each worker holds half, as bins: a byte a value
    auc = roc_auc_score(test["label"] == "yes", result.best_model.predict_proba(test.drop(columns=["label"]))[:, 1])
    print(f"featurized {featurized / 1e6:.0f} MB, worker limit {MEMORY_LIMIT / 1e6:.0f} MB, "
          f"{trial.params['n_estimators']} rounds, held-out AUC {auc:.4f}")
    assert auc > 0.75, auc
