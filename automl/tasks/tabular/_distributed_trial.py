"""One trial of ``training_mode="distributed"``: a booster trained data-parallel on the Dask cluster.

The trial runs in a trial process on the driver's machine (stopped at its deadline like any
other) and drives the cluster as a client: every worker featurizes its own partitions with the
fitted featurization, the booster trains across the workers (``lightgbm.dask``), predicts the
held-out partitions there, and only those predictions come back to be scored. The model kept is
the local booster taken from the distributed one (``to_local()``) behind the featurization: a
plain scikit-learn pipeline.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
from sklearn.pipeline import Pipeline

from automl import metrics
from automl.core import COMPLETED, FAILED, TrialResult, TrialSpec, serialized_bytes
from automl.tasks.tabular._distributed_data import DistributedTrialData, featurized_data

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["DISTRIBUTED_LEARNERS", "DistributedLearner", "evaluate_distributed_trial"]

#: Share of a trial's allowance its boosting may take; the rest predicts the held-out partitions.
BOOSTING_SHARE = 0.8


@dataclass(frozen=True)
class DistributedLearner:
    """How an algorithm trains on a Dask cluster: its Dask estimator for classification and for regression."""

    classifier: Callable[[], type]
    regressor: Callable[[], type]


def _lightgbm_classifier() -> type:
    from lightgbm.dask import DaskLGBMClassifier

    return DaskLGBMClassifier


def _lightgbm_regressor() -> type:
    from lightgbm.dask import DaskLGBMRegressor

    return DaskLGBMRegressor


#: The algorithms ``training_mode="distributed"`` trains, by their name in the algorithm tables.
DISTRIBUTED_LEARNERS: dict[str, DistributedLearner] = {
    "LightGBM": DistributedLearner(_lightgbm_classifier, _lightgbm_regressor),
}


class StopAtDeadline:
    """A LightGBM callback that ends the boosting at ``deadline`` (epoch seconds, on every worker)."""

    order = 30

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def __call__(self, env: Any) -> None:
        from lightgbm.callback import EarlyStopException

        if time.time() >= self.deadline and env.iteration > 0:
            raise EarlyStopException(env.iteration, env.evaluation_result_list or [])


def _local_classifier(model: Any, classes: np.ndarray) -> Any:
    """The local booster of ``model`` trained on class codes, answering with the class labels."""
    from sklearn.preprocessing import LabelEncoder

    local = model.to_local()
    encoder = LabelEncoder().fit(classes)
    local._le, local._classes, local._n_classes = encoder, encoder.classes_, len(classes)
    return local


def _estimator(spec: TrialSpec, data: DistributedTrialData, client: Client, n_rows: int) -> Any:
    learner = DISTRIBUTED_LEARNERS[spec.algorithm.name]
    width = 1 if data.classes is None else len(data.classes)
    params = spec.algorithm.make_estimator(spec.algorithm.sized_params(spec.params, n_rows, width),
                                           n_jobs=1).get_params()
    threads = min(client.nthreads().values() or [1])
    params.update(n_jobs=threads, verbose=-1, random_state=params.get("random_state") or 0)  # seed variants differ
    kind = learner.classifier() if data.classes is not None else learner.regressor()
    return kind(client=client, **params)


def _fit_and_score(spec: TrialSpec, data: DistributedTrialData, client: Client, primary_metric: str,
                   result: TrialResult) -> None:
    holdout = data.validation
    train_X, train_y, valid_X, valid_y = featurized_data(data, client)
    model = _estimator(spec, data, client, holdout.n_rows - holdout.n_valid_rows)
    callbacks = [StopAtDeadline(time.time() + BOOSTING_SHARE * spec.max_seconds)] if spec.max_seconds else None
    started = time.monotonic()
    model.fit(train_X, train_y, callbacks=callbacks)
    result.fit_seconds = time.monotonic() - started
    if data.classes is not None:
        prediction, truth = client.compute([model.predict_proba(valid_X), valid_y], sync=True)
        truth = np.asarray(data.classes)[np.asarray(truth)]
        local = _local_classifier(model, np.asarray(data.classes))
    else:
        prediction, truth = client.compute([model.predict(valid_X), valid_y], sync=True)
        local = model.to_local()
    result.metrics = metrics.score(np.asarray(truth), np.asarray(prediction, dtype=float), classes=data.classes,
                                   positive_label=data.positive_label, y_min=data.y_min, y_max=data.y_max)
    result.score = result.metrics.get(primary_metric, np.nan)
    result.model = Pipeline([("datatransformer", data.featurizer), ("estimator", local)])
    result.params = {**spec.params, "n_estimators": int(local.booster_.current_iteration())}
    result.model_bytes = serialized_bytes(result.model)


def evaluate_distributed_trial(spec: TrialSpec, data: DistributedTrialData, primary_metric: str) -> TrialResult:
    """Train ``spec`` across the cluster's workers and score it on the held-out partitions; never raises
    (a trial that fails, or whose cluster is lost, is returned ``Failed`` with the reason)."""
    from distributed import Client

    started = time.time()
    result = TrialResult(spec.iteration, spec.name, spec.algorithm.name, "", dict(spec.params), COMPLETED,
                         started_at=started)
    try:
        with Client(data.scheduler_address, timeout=10, set_as_default=True) as client:  # lightgbm.dask asks for it
            _fit_and_score(spec, data, client, primary_metric, result)
    except Exception as exc:  # a failing trial (a lost worker included) never fails the job
        result.status = FAILED
        result.error = f"{type(exc).__name__}: {exc}"
    result.duration_seconds = time.time() - started
    return result
