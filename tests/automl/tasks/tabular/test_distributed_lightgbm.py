"""LightGBM on a worker's stored partitions: streamed a partition at a time, and the same model as the
scikit-learn estimator fitted on those rows."""
from __future__ import annotations

import numpy as np
import pytest
from lightgbm import Booster, LGBMClassifier, LGBMRegressor

from automl.tasks.tabular import _distributed_lightgbm
from automl.tasks.tabular._distributed_lightgbm import _PortHolder, _train_on_worker, booster_params, fitted_estimator
from automl.tasks.tabular._distributed_store import StoredPartition

ROWS = (700, 500, 800)


def _stored(folder, classes: int) -> tuple[list[StoredPartition], np.ndarray, np.ndarray]:
    """Three partitions written as the setup writes them; all their rows and targets."""
    rng = np.random.default_rng(0)
    parts, features, targets = [], [], []
    for i, rows in enumerate(ROWS):
        X = rng.normal(size=(rows, 6)).astype(np.float32)
        X[rng.random(rows) < 0.1, 2] = np.nan
        signal = X[:, 0] + np.sin(2 * X[:, 1]) - 0.5 * X[:, 3] * X[:, 4]
        y = (np.digitize(signal, np.quantile(signal, np.linspace(0, 1, classes + 1)[1:-1])).astype(np.int32)
             if classes else signal.astype(np.float64))
        path = str(folder / f"part-{i}")
        np.save(path + "-X.npy", X)
        np.save(path + "-y.npy", y)
        parts.append(StoredPartition(i, "tcp://127.0.0.1:1", path, rows, X.shape[1]))
        features.append(X)
        targets.append(y)
    return parts, np.concatenate(features), np.concatenate(targets)


@pytest.mark.parametrize("classes", [2, 3, 0], ids=["binary", "multiclass", "regression"])
def test_the_booster_of_stored_partitions_is_the_estimator_fitted_on_their_rows(tmp_path, classes):
    parts, X, y = _stored(tmp_path, classes)
    labels = np.array(["high", "low", "mid"][:classes]) if classes else None
    make = LGBMClassifier if classes else LGBMRegressor
    params = make(n_estimators=30, num_leaves=15, min_child_samples=10, class_weight=None, n_jobs=1,
                  random_state=0).get_params()
    text = _train_on_worker(parts, booster_params(params, labels), {}, _PortHolder(), None, keep=True)
    streamed = fitted_estimator(Booster(model_str=text), make(**params), labels)
    direct = make(**params).fit(X, labels[y] if classes else y)
    if classes:
        assert list(streamed.classes_) == list(direct.classes_)
        np.testing.assert_allclose(streamed.predict_proba(X), direct.predict_proba(X), rtol=1e-9, atol=1e-12)
        assert (streamed.predict(X) == direct.predict(X)).all()
    else:
        np.testing.assert_allclose(streamed.predict(X), direct.predict(X), rtol=1e-9, atol=1e-12)
    assert streamed.booster_.current_iteration() == 30 and streamed.n_features_in_ == X.shape[1]


def test_a_worker_reads_its_partitions_one_at_a_time(tmp_path, monkeypatch):
    parts, _, _ = _stored(tmp_path, 2)
    reads: list[int] = []
    load = _distributed_lightgbm.load_features

    def counted(part: StoredPartition) -> np.ndarray:
        reads.append(part.partition)
        return load(part)

    monkeypatch.setattr(_distributed_lightgbm, "load_features", counted)
    params = booster_params(LGBMClassifier(n_estimators=5, n_jobs=1).get_params(), np.array(["a", "b"]))
    _train_on_worker(parts, params, {}, _PortHolder(), None, keep=False)
    # Once in order for the sample the bins are found on, once in order to bin every row: never all at once.
    assert reads == [0, 1, 2, 0, 1, 2], reads
