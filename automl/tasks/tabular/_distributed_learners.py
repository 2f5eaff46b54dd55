"""The algorithms ``training_mode="distributed"`` trains, and how: LightGBM streaming each worker's
stored partitions into its data-parallel learner (:mod:`._distributed_lightgbm`), XGBoost through
``xgboost.dask`` on Dask arrays read from them (a worker holds its share in memory while it trains).

Each entry of :data:`DISTRIBUTED_LEARNERS` (keyed by the algorithm's name in the algorithm tables)
says how the algorithm trains on the featurized partitions the workers store
(:mod:`._distributed_store`), its boosting stopped at the trial's deadline, and returns the local
scikit-learn estimator, answering with the class labels (the cluster trains on class codes: a
worker may lack a class).
"""
from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
from sklearn.preprocessing import LabelEncoder
from xgboost.callback import TrainingCallback

from automl.tasks.tabular._distributed_lightgbm import booster_params, fitted_estimator, train_lightgbm
from automl.tasks.tabular._distributed_store import StoredPartition, stored_arrays

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["DISTRIBUTED_LEARNERS", "DistributedLearner"]


@dataclass(frozen=True)
class DistributedLearner:
    """How an algorithm trains on a Dask cluster.

    Attributes
    ----------
    train : callable
        ``train(client, parts, params, estimator, classes, deadline)``: train on the stored partitions
        ``parts`` with the scikit-learn ``params`` of the algorithm table's unfitted ``estimator``, the
        boosting stopped at ``deadline`` (epoch seconds, or None) on every worker at the same round;
        the fitted local estimator (``estimator`` itself, or one like it) answering with ``classes``
        (None for regression).
    rounds : callable
        ``rounds(local)``: the boosting rounds the local estimator holds (the deadline may have ended
        them early).
    """

    train: Callable[[Client, list[StoredPartition], dict, Any, np.ndarray | None, float | None], Any]
    rounds: Callable[[Any], int]


def _lightgbm_train(client: Client, parts: list[StoredPartition], params: dict, estimator: Any,
                    classes: np.ndarray | None, deadline: float | None) -> Any:
    booster = train_lightgbm(client, parts, booster_params(params, classes), deadline)
    return fitted_estimator(booster, estimator, classes)


class XGBoostDeadline(TrainingCallback):
    """An XGBoost callback that ends the boosting at ``deadline`` (epoch seconds). The workers agree on
    the round (the latest to see the deadline passed says so for all, through XGBoost's allreduce):
    a worker that stopped alone would leave the others waiting for it."""

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def after_iteration(self, model: Any, epoch: int, evals_log: dict) -> bool:  # noqa: D102 - XGBoost's hook
        from xgboost import collective

        late = np.array([float(time.time() >= self.deadline)])
        return bool(collective.allreduce(late, collective.Op.MAX)[0] > 0)


def _xgboost_estimator(classify: bool, client: Client, params: dict) -> Any:
    from xgboost.dask import DaskXGBClassifier, DaskXGBRegressor

    model = (DaskXGBClassifier if classify else DaskXGBRegressor)(**params)
    model.client = client  # an attribute: a parameter would be sent to the workers with the others
    return model


def _xgboost_train(client: Client, parts: list[StoredPartition], params: dict, estimator: Any,
                   classes: np.ndarray | None, deadline: float | None) -> Any:
    X, y = stored_arrays(client, parts, classes is not None)
    model = _xgboost_estimator(classes is not None, client, params)
    if deadline:
        model.set_params(callbacks=[XGBoostDeadline(deadline)])
    model.fit(X, y)
    model.set_params(callbacks=None)  # the callback is the trial's, not the model's
    return _xgboost_local(model, estimator, classes)


def _xgboost_local(model: Any, estimator: Any, classes: np.ndarray | None) -> Any:
    """The booster saved by the Dask estimator, loaded into the algorithm table's estimator."""
    local = estimator
    with tempfile.TemporaryDirectory(prefix="automl-xgboost-") as folder:
        path = os.path.join(folder, "model.json")
        model.save_model(path)
        local.load_model(path)
    if classes is not None:
        local.label_encoder_ = LabelEncoder().fit(classes)
    return local


def _lightgbm_rounds(local: Any) -> int:
    return int(local.booster_.current_iteration())


def _xgboost_rounds(local: Any) -> int:
    return int(local.get_booster().num_boosted_rounds())


#: The algorithms ``training_mode="distributed"`` trains, by their name in the algorithm tables.
DISTRIBUTED_LEARNERS: dict[str, DistributedLearner] = {
    "LightGBM": DistributedLearner(_lightgbm_train, _lightgbm_rounds),
    "XGBoostClassifier": DistributedLearner(_xgboost_train, _xgboost_rounds),
    "XGBoostRegressor": DistributedLearner(_xgboost_train, _xgboost_rounds),
}
