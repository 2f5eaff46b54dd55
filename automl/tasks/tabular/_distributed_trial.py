"""One trial of ``training_mode="distributed"``: a booster trained data-parallel on the Dask cluster.

The trial runs in a trial process on the driver's machine (stopped at its deadline like any
other) and drives the cluster as a client: the booster trains across the workers on the featurized
partitions they store (:mod:`._distributed_store`, :mod:`._distributed_learners`), the local booster
taken from it predicts the held-out partitions where they are stored, and only those predictions
come back to be scored. The model kept is that local booster behind the featurization: a plain
scikit-learn pipeline.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.pipeline import Pipeline

from automl import metrics
from automl.core import COMPLETED, FAILED, TrialResult, TrialSpec, serialized_bytes
from automl.tasks.tabular._distributed_data import DistributedTrialData, featurized_data
from automl.tasks.tabular._distributed_learners import DISTRIBUTED_LEARNERS
from automl.tasks.tabular._distributed_store import predict_stored

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["evaluate_distributed_trial"]

#: Share of a trial's allowance its boosting may take; the rest predicts the held-out partitions.
BOOSTING_SHARE = 0.8
#: Seconds a failed trial waits for the scheduler to notice a worker lost with it.
LOSS_NOTICE_SECONDS = 3.0
#: Where XGBoost's errors go on with the native stack of the library (cut from a trial's reason).
NATIVE_TRACE = "Stack trace:"


def _estimators(spec: TrialSpec, data: DistributedTrialData, client: Client, n_rows: int) -> tuple[dict, Any]:
    """The scikit-learn parameters the cluster trains with, and the algorithm table's unfitted local
    estimator of the same parameters."""
    width = 1 if data.classes is None else len(data.classes)
    local = spec.algorithm.make_estimator(spec.algorithm.sized_params(spec.params, n_rows, width), n_jobs=1)
    params = local.get_params()
    threads = min(client.nthreads().values() or [1])
    params.update(n_jobs=threads, random_state=params.get("random_state") or 0)  # seed variants differ
    return params, local


def _fit_and_score(spec: TrialSpec, data: DistributedTrialData, client: Client, primary_metric: str,
                   result: TrialResult) -> None:
    holdout = data.validation
    train, valid = featurized_data(data, client)
    learner = DISTRIBUTED_LEARNERS[spec.algorithm.name]
    params, estimator = _estimators(spec, data, client, holdout.n_rows - holdout.n_valid_rows)
    started = time.monotonic()
    deadline = time.time() + BOOSTING_SHARE * spec.max_seconds if spec.max_seconds else None
    classes = None if data.classes is None else np.asarray(data.classes)
    local = learner.train(client, train, params, estimator, classes, deadline)
    result.fit_seconds = time.monotonic() - started
    prediction, truth = predict_stored(client, local, valid, proba=classes is not None)
    if classes is not None:
        truth = classes[truth]
    result.metrics = metrics.score(truth, np.asarray(prediction, dtype=float), classes=data.classes,
                                   positive_label=data.positive_label, y_min=data.y_min, y_max=data.y_max)
    result.score = result.metrics.get(primary_metric, np.nan)
    result.model = Pipeline([("datatransformer", data.featurizer), ("estimator", local)])
    result.params = {**spec.params, "n_estimators": learner.rounds(local)}  # the deadline may have cut them
    result.model_bytes = serialized_bytes(result.model)


def _workers(client: Client) -> set[str]:
    return set(client.scheduler_info().get("workers", {}))


def _lost_workers(client: Client, before: set[str]) -> list[str]:
    """The workers of ``before`` the scheduler no longer has; a worker that died a moment ago is given
    :data:`LOSS_NOTICE_SECONDS` to be noticed (its peers' sockets break first)."""
    deadline = time.monotonic() + LOSS_NOTICE_SECONDS
    while True:
        lost = sorted(before - _workers(client))
        if lost or time.monotonic() >= deadline:
            return lost
        time.sleep(0.1)


def _failure(exc: Exception, lost: list[str]) -> str:
    """Why a distributed trial failed, naming the workers lost during it."""
    error = f"{type(exc).__name__}: {str(exc).split(NATIVE_TRACE)[0].strip()}"  # not the library's C++ frames
    if not lost:
        return error
    return (f"the cluster lost {len(lost)} worker(s) during this trial ({', '.join(lost)}), which stopped it "
            f"({error}); the job goes on with the workers left")


def evaluate_distributed_trial(spec: TrialSpec, data: DistributedTrialData, primary_metric: str) -> TrialResult:
    """Train ``spec`` across the cluster's workers and score it on the held-out partitions; never raises
    (a trial that fails, or whose cluster is lost, is returned ``Failed`` with the reason)."""
    from distributed import Client

    started = time.time()
    result = TrialResult(spec.iteration, spec.name, spec.algorithm.name, "", dict(spec.params), COMPLETED,
                         started_at=started)
    try:
        with Client(data.scheduler_address, timeout=10, set_as_default=True) as client:  # xgboost.dask asks for it
            workers = _workers(client)
            try:
                _fit_and_score(spec, data, client, primary_metric, result)
            except Exception as exc:  # a failing trial (a lost worker included) never fails the job
                result.status, result.error = FAILED, _failure(exc, _lost_workers(client, workers))
    except Exception as exc:  # the cluster cannot be reached
        result.status, result.error = FAILED, f"{type(exc).__name__}: {exc}"
    result.duration_seconds = time.time() - started
    return result
