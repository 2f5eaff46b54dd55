"""The algorithms ``training_mode="distributed"`` trains, and how: LightGBM through ``lightgbm.dask``,
XGBoost through ``xgboost.dask``.

Each entry of :data:`DISTRIBUTED_LEARNERS` (keyed by the algorithm's name in the algorithm tables)
says which Dask estimator trains it, how its boosting is stopped at the trial's deadline, and how
the local scikit-learn estimator is taken from the distributed one, answering with the class
labels (the cluster trains on class codes: a worker may lack a class).
"""
from __future__ import annotations

import math
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
    recover : callable
        ``recover(client)``: after a failed training, what the workers need to train again.
    to_local : callable
        ``to_local(model, estimator, classes)``: the local scikit-learn estimator, given the trained Dask
        ``model``, the algorithm table's unfitted ``estimator`` of the same parameters, and the classes
        (None for regression).
    rounds : callable
        ``rounds(local)``: the boosting rounds the local estimator holds (the deadline may have ended
        them early).
    """

    estimator: Callable[[bool, Client, dict], Any]
    fit: Callable[[Any, da.Array, da.Array, float | None], None]
    to_local: Callable[[Any, Any, np.ndarray | None], Any]
    rounds: Callable[[Any], int]
    recover: Callable[[Client], None] = lambda client: None


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
    if deadline:  # LightGBM's socket timeout (minutes, 120 by default): a worker lost while the workers
        # connect leaves the others waiting that long, and a worker thread waiting trains nothing else
        model.set_params(time_out=max(1, math.ceil((deadline - time.time()) / 60)))
    model.fit(X, y, callbacks=[LightGBMDeadline(deadline)] if deadline else None)


#: Seconds each network-freeing task holds its worker thread, so that every thread of a worker takes one.
_FREE_PAUSE_SECONDS = 0.2


def _free_lightgbm_network(thread: int) -> None:
    from lightgbm.basic import _LIB, _safe_call

    _safe_call(_LIB.LGBM_NetworkFree())
    time.sleep(_FREE_PAUSE_SECONDS)


def _lightgbm_recover(client: Client) -> None:
    """Free LightGBM's network in every worker thread. ``lightgbm.dask`` frees it only after a training
    that succeeded, and the network is the worker thread's own: a thread that still holds the sockets
    of a failed training (a peer lost) fails every later one ("Socket send error"). So one task per
    thread of each worker frees it there (``client.run`` would run in another thread)."""
    from distributed import wait

    try:
        wait([client.submit(_free_lightgbm_network, thread, workers=[address], allow_other_workers=False, pure=False)
              for address, threads in client.nthreads().items() for thread in range(threads)], timeout=30)
    except Exception:  # a worker going away as well: the next trial says so
        pass


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


def _lightgbm_rounds(local: Any) -> int:
    return int(local.booster_.current_iteration())


def _xgboost_rounds(local: Any) -> int:
    return int(local.get_booster().num_boosted_rounds())


#: The algorithms ``training_mode="distributed"`` trains, by their name in the algorithm tables.
DISTRIBUTED_LEARNERS: dict[str, DistributedLearner] = {
    "LightGBM": DistributedLearner(_lightgbm_estimator, _lightgbm_fit, _lightgbm_local, _lightgbm_rounds,
                                   _lightgbm_recover),
    "XGBoostClassifier": DistributedLearner(_xgboost_estimator, _xgboost_fit, _xgboost_local, _xgboost_rounds),
    "XGBoostRegressor": DistributedLearner(_xgboost_estimator, _xgboost_fit, _xgboost_local, _xgboost_rounds),
}
