"""The steps of a tabular task that differ under ``training_mode="distributed"`` (Azure's distributed
training): the setup keeps the data on the Dask cluster (:mod:`._distributed_data`), each trial trains a
booster across its workers (:mod:`._distributed_trial`: LightGBM or XGBoost), and the final model is
the best trial's.

What does not apply says so: no ensembles (they would need every trial's predictions of every
held-out row on the driver), no refit (it would train the model again on all rows), and neither
explanations nor insights (they read the rows, which stay on the cluster).
"""
from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Callable, ClassVar

import numpy as np
import pandas as pd

from automl import metrics
from automl.core import TrialResult, TrialSpec
from automl.ensembles import FinalModelTime
from automl.errors import ConfigError
from automl.settings import TrainingSettings
from automl.tasks.tabular._distributed_data import (
    DistributedData,
    DistributedTrialData,
    prepare_distributed,
    publish_featurized,
    unpublish_featurized,
)
from automl.tasks.tabular._distributed_learners import DISTRIBUTED_LEARNERS

if TYPE_CHECKING:
    from distributed import Client

    from automl.algorithms import Algorithm, AlgorithmRegistry
    from automl.jobs import AutoMLJob

__all__ = ["DistributedTraining", "check_distributed_algorithms"]

#: Why the insights of a distributed job are not computed.
NO_INSIGHTS = ("insights are not computed under training_mode='distributed': the rows stay on the cluster (score "
               "a labelled sample later with result.compute_insights(data))")


def check_distributed_algorithms(training: TrainingSettings, algorithms: AlgorithmRegistry) -> None:
    """Refuse allowed algorithms that do not train on a Dask cluster, listing those that do (as Azure does)."""
    allowed = training.allowed_training_algorithms
    supported = [name for name in sorted(DISTRIBUTED_LEARNERS) if name in algorithms.names()]
    others = [n for n in allowed or () if algorithms.resolve(n, "allowed_training_algorithms") not in supported]
    if others:
        raise ConfigError(f"training_mode='distributed' trains {', '.join(supported)} only; "
                          f"allowed_training_algorithms names {', '.join(others)}. Allow {', '.join(supported)}, "
                          "or use training_mode='non_distributed'.")
    blocked = {algorithms.resolve(n, "blocked_training_algorithms") for n in training.blocked_training_algorithms or ()}
    if set(supported) <= blocked:
        raise ConfigError(f"training_mode='distributed' trains {', '.join(supported)} only, and "
                          "blocked_training_algorithms blocks them all. Unblock one.")


def _predict_partition(partition: pd.DataFrame, model: Any, target: str, classes: np.ndarray | None) -> pd.DataFrame:
    X = partition.drop(columns=[target])
    if classes is None:
        return pd.DataFrame({"prediction": np.asarray(model.predict(X), dtype=float)}, index=partition.index)
    return pd.DataFrame(np.asarray(model.predict_proba(X), dtype=float), columns=[str(c) for c in classes],
                        index=partition.index)


class DistributedTraining:
    """Mixed into a tabular task (:class:`~automl.tasks.tabular.TabularTask`) for one distributed job.

    Parameters
    ----------
    client : distributed.Client
        The job's cluster: the setup aggregates on it; trials connect to its scheduler.
    why : str
        What chose distributed training (the setting, or ``training_mode="auto"`` and the data's size);
        the memory guardrail reports it.
    """

    trains_on_cluster: ClassVar[bool] = True
    explains_rows: ClassVar[bool] = False
    no_explanation: ClassVar[str] = ("training_mode='distributed' keeps the validation rows on the cluster; explain a "
                                     "labelled sample with result.explain_rows(rows)")
    ensembles: ClassVar[tuple[str, ...]] = ()
    name: ClassVar[str]
    algorithms: ClassVar[AlgorithmRegistry]

    def __init__(self, client: Client, why: str = "training_mode='distributed'") -> None:
        self.client = client
        self.why = why
        self.dataset = ""

    def prepare(self, job: AutoMLJob) -> DistributedData:
        """:func:`~automl.tasks.tabular._distributed_data.prepare_distributed` on the job's cluster; the
        partitions are then featurized once and kept in the workers' memory for the trials."""
        prepared = prepare_distributed(job, self, self.client, self.why)
        self.dataset = f"automl-{job.name}-{uuid.uuid4().hex[:8]}"
        publish_featurized(prepared, self.client, self.dataset)
        return prepared

    def rows_not_held(self, prepared: DistributedData) -> str:
        """The digest of every row's aggregates (the rows stay on the cluster; ``prepared.X`` is a sample)."""
        return prepared.aggregates_digest

    def release(self) -> None:
        """Free the featurized partitions the workers kept for the job's trials."""
        if self.dataset:
            unpublish_featurized(self.client, self.dataset)
            self.dataset = ""

    def select_algorithms(self, training: TrainingSettings, prepared: DistributedData) -> list[Algorithm]:
        """The allowed algorithms that train on a Dask cluster."""
        chosen = self.algorithms.select(training.allowed_training_algorithms, training.blocked_training_algorithms,
                                        onnx_only=training.enable_onnx_compatible_models)
        return [a for a in chosen if a.name in DISTRIBUTED_LEARNERS]

    def trial_memory_bytes(self, spec: TrialSpec, data: DistributedTrialData) -> int:
        """What the trial process holds: the held-out partitions' predictions and targets, and the model."""
        width = 1 if data.classes is None else len(data.classes)
        rows = data.validation.n_valid_rows
        return int(rows * (width + 1) * 8 + spec.algorithm.model_bytes(spec.params, rows, width,
                                                                      len(data.feature_names)))

    def planned_ensembles(self, training: TrainingSettings, max_trials: int) -> list[str]:
        """None: ensembles would need every trial's held-out predictions on the driver."""
        return []

    def build_ensembles(self, kinds: list[str], trials: list[TrialResult], prepared: DistributedData,
                        job: AutoMLJob, start_iteration: int, name_of: Callable[[int], str], *,
                        max_seconds: float = float("inf"),
                        final_time: FinalModelTime | None = None) -> list[TrialResult]:
        return []

    def balance_classes(self, prepared: DistributedData, primary_metric: str, seed: int) -> None:
        """Class weights are not applied in distributed training."""

    def final_fit_seconds(self, members: list[TrialResult], prepared: DistributedData) -> float:
        """Nothing is fitted after the search: the final model is the best trial's."""
        return 0.0

    def final_model_bytes(self, members: list[TrialResult], prepared: DistributedData) -> int:
        return sum(m.model_bytes for m in members)

    def lighter_final_model(self, prepared: DistributedData) -> None:
        return None

    def refit(self, trial: TrialResult, prepared: DistributedData, *, deadline: float | None = None,
              notes: list[str] | None = None) -> Any:
        """The trial's own model (trained on the training partitions): nothing to fit."""
        if trial.model is None:
            raise ValueError(f"trial {trial.name} kept no model")
        return trial.model

    def score_test(self, model: Any, prepared: DistributedData) -> dict[str, float] | None:
        """Every metric on the test data, predicted partition by partition on the cluster."""
        if prepared.X_test is None:
            return None
        test, target, classes = prepared.X_test, prepared.target, prepared.classes
        meta = {"prediction": float} if classes is None else {str(c): float for c in classes}
        predicted = test.map_partitions(_predict_partition, model, target, classes, meta=meta)
        prediction, truth = self.client.compute([predicted, test[target]], sync=True)
        values = prediction.to_numpy()
        return metrics.score(truth.to_numpy(), values if classes is not None else values[:, 0], classes=classes,
                             positive_label=prepared.positive_label, y_min=prepared.y_min, y_max=prepared.y_max)

    def insight_rows(self, prepared: DistributedData, best: TrialResult, model: Any) -> str:
        return NO_INSIGHTS

    def result_extras(self, prepared: DistributedData, best: TrialResult | None, model: Any) -> dict[str, Any]:
        return {"final_model": prepared.final_model_reason}
