"""The algorithms ``training_mode="distributed"`` trains, and how: LightGBM through ``lightgbm.dask``,
XGBoost through ``xgboost.dask``.

Each entry of :data:`DISTRIBUTED_LEARNERS` (keyed by the algorithm's name in the algorithm tables)
says which Dask estimator trains it, how its boosting is stopped at the trial's deadline, and how
the local scikit-learn estimator is taken from the distributed one, answering with the class
labels (the cluster trains on class codes: a worker may lack a class).
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

if TYPE_CHECKING:
    import dask.array as da
    from distributed import Client

__all__ = ["DISTRIBUTED_LEARNERS", "DistributedLearner"]


@dataclass(frozen=True)
class DistributedLearner:
    """How an algorithm trains on a Dask cluster.

    Attributes
    ----------
    estimator : callable
        ``estimator(classify, client, params)``: the Dask estimator for classification or regression, of
        ``params``, driven by ``client``.
    fit : callable
        ``fit(model, X, y, deadline)``: train, the boosting stopped at ``deadline`` (epoch seconds, or None)
        on every worker at the same round.
    to_local : callable
        ``to_local(model, estimator, classes)``: the local scikit-learn estimator, given the trained Dask
        ``model``, the algorithm table's unfitted ``estimator`` of the same parameters, and the classes
        (None for regression).
    """

    estimator: Callable[[bool, Client, dict], Any]
    fit: Callable[[Any, da.Array, da.Array, float | None], None]
    to_local: Callable[[Any, Any, np.ndarray | None], Any]


class LightGBMDeadline:
    """A LightGBM callback that ends the boosting at ``deadline`` (epoch seconds, on every worker)."""

    order = 30

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def __call__(self, env: Any) -> None:
        from lightgbm.callback import EarlyStopException

        if time.time() >= self.deadline and env.iteration > 0:
            raise EarlyStopException(env.iteration, env.evaluation_result_list or [])


def _lightgbm_estimator(classify: bool, client: Client, params: dict) -> Any:
    from lightgbm.dask import DaskLGBMClassifier, DaskLGBMRegressor

    return (DaskLGBMClassifier if classify else DaskLGBMRegressor)(client=client, **{**params, "verbose": -1})


def _lightgbm_fit(model: Any, X: da.Array, y: da.Array, deadline: float | None) -> None:
    model.fit(X, y, callbacks=[LightGBMDeadline(deadline)] if deadline else None)


def _lightgbm_local(model: Any, estimator: Any, classes: np.ndarray | None) -> Any:
    local = model.to_local()
    if classes is not None:
        encoder = LabelEncoder().fit(classes)
        local._le, local._classes, local._n_classes = encoder, encoder.classes_, len(classes)
    return local


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


def _xgboost_fit(model: Any, X: da.Array, y: da.Array, deadline: float | None) -> None:
    if deadline:
        model.set_params(callbacks=[XGBoostDeadline(deadline)])
    model.fit(X, y)
    model.set_params(callbacks=None)  # the callback is the trial's, not the model's


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


#: The algorithms ``training_mode="distributed"`` trains, by their name in the algorithm tables.
DISTRIBUTED_LEARNERS: dict[str, DistributedLearner] = {
    "LightGBM": DistributedLearner(_lightgbm_estimator, _lightgbm_fit, _lightgbm_local),
    "XGBoostClassifier": DistributedLearner(_xgboost_estimator, _xgboost_fit, _xgboost_local),
    "XGBoostRegressor": DistributedLearner(_xgboost_estimator, _xgboost_fit, _xgboost_local),
}
