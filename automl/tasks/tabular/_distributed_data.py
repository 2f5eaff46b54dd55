"""The setup of ``training_mode="distributed"``: the data stays on the Dask cluster.

The training data is read as a Dask DataFrame, a partition per file (:func:`automl.data.load_partitioned`).
The driver computes, with Dask aggregations over every partition (:mod:`._distributed_aggregates`, one
pass), the rows of each partition, the mean of each numeric column, the missing and distinct values of
each column, the rows of each value of a column of fewer than 16,384 values, and the target's missing
values and classes (or its range). It holds only a bounded random sample of rows (:data:`SAMPLE_ROWS`,
drawn from every training partition). The featurization is planned on the sample with the whole
data's rows and distinct values (:class:`featurizers.ColumnCounts`: the column purposes are those every
row gives; what needs the values themselves, dates, text and ID-like shapes, is read from the sample)
and fitted on it, as in local mode; then its numeric imputers take the exact means of all rows, and its
category encoders every row's categories and most frequent category (:func:`_exact_categories`; a
column of more values keeps the sample's categories, a rarer one coded as unseen). TF-IDF vocabularies
and medians are the sample's. Categorical columns are label-encoded, a column of codes each
(:data:`CODED_INSTEAD_OF`), high-cardinality ones too (the featurization's ONNX-compatible chain codes
them instead of hashing each into 2**bits dense columns: on the benchmark's 20 columns, one of 500
levels, 22 features instead of 277). The guardrails read the aggregates of every row for the class
balance, the missing values and the distinct values (``total_class_counts``, ``total_missing_counts``,
``total_unique_counts``). Validation holds out whole partitions (``validation_data_size``, 10% by
default, at least one partition). ``max_nodes`` chooses how many of the cluster's workers hold the
featurized partitions, and so train (the boosters train where their data is): the first ``max_nodes``
by address, every worker when it is not set (:func:`training_workers`).
"""
from __future__ import annotations

import dataclasses
import functools
import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import featurizers
import guardrails
import numpy as np
import pandas as pd

from automl.core import TrialData
from automl.data import load_partitioned, smallest_worker_memory
from automl.errors import ConfigError, DataError
from automl.tasks.tabular._distributed_aggregates import aggregates, aggregates_digest
from automl.tasks.tabular._distributed_store import FOLDER_PREFIX, StoredPartition, remove_stored, \
    store_partitions, stored_partitions
from automl.tasks.tabular._prepare import _plan_featurization, _require_features

if TYPE_CHECKING:
    import dask.dataframe as dd
    from distributed import Client

    from automl.jobs import AutoMLJob
    from automl.tasks.tabular._tabular_tasks import TabularTask

__all__ = ["SAMPLE_ROWS", "DistributedData", "DistributedTrialData", "PartitionHoldout", "featurized_data",
           "prepare_distributed", "publish_featurized", "training_workers", "unpublish_featurized"]

#: Rows the driver holds: the sample the featurization is planned and fitted on.
SAMPLE_ROWS = 50_000
#: Validation's share of the partitions unless ``validation_data_size`` says otherwise.
HOLDOUT_SHARE = 0.1
#: Seconds the setup waits for a first worker of the cluster.
WORKER_WAIT_SECONDS = 30
#: What the workers import to read, featurize and train (the first task that needs them would wait for
#: seconds on each worker in turn): imported on every worker at once when the setup starts.
WORKER_MODULES = ("automl.data", "featurizers", "automl.tasks.tabular._distributed_lightgbm", "xgboost.dask")
#: Encoders distributed training does without: categorical columns become one column of codes each (the
#: boosters split codes as they split numbers), not one dense column per category on every worker.
CODED_INSTEAD_OF = ("OneHotEncoder",)


@dataclass
class PartitionHoldout:
    """Validation on whole partitions held out of training (the engine's :class:`ValidationScheme`)."""

    train_partitions: list[int]
    valid_partitions: list[int]
    n_rows: int
    n_valid_rows: int
    partition_rows: list[int] = field(default_factory=list)
    method: str = "holdout_partitions"
    auto: bool = False

    @property
    def n_folds(self) -> int:
        return 1

    def describe(self) -> str:
        return (f"{len(self.valid_partitions)} of {len(self.train_partitions) + len(self.valid_partitions)} "
                f"partitions held out ({self.n_valid_rows:,} of {self.n_rows:,} rows), on the Dask cluster")

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "n_folds": 1, "auto": False, "n_rows": self.n_rows,
                "fraction": self.n_valid_rows / max(1, self.n_rows), "partitions": len(self.train_partitions)
                + len(self.valid_partitions), "valid_partitions": list(self.valid_partitions)}


@dataclass
class DistributedTrialData(TrialData):
    """What a distributed trial reads: where the cluster and the data are, and the fitted featurization."""

    scheduler_address: str = ""
    source: dd.DataFrame | None = None  # the training data, a partition per file
    target: str = ""
    featurizer: Any = None
    feature_names: list[str] = field(default_factory=list)
    validation: PartitionHoldout | None = None
    dataset: str = ""  # the name the stored partitions are published under
    workers: list[str] = field(default_factory=list)


@dataclass
class DistributedData:
    """The prepared data of a distributed job: aggregates, a bounded sample, and how to reach the rest."""

    task: TabularTask
    target: str
    X: pd.DataFrame                      # the sample's raw features (the driver never holds more)
    y: np.ndarray                        # the sample's target
    validation: PartitionHoldout
    featurization_plan: featurizers.FeaturizationPlan
    refit_transformer: Any
    scheduler_address: str
    source: dd.DataFrame                 # the training data as read (its columns known: not read again)
    n_columns: int
    classes: np.ndarray | None = None
    positive_label: Any = None
    y_min: float | None = None
    y_max: float | None = None
    X_test: Any = None                   # a Dask DataFrame of the test data, with its target
    dropped_target_rows: int = 0
    featurization_summary: list[dict] = field(default_factory=list)
    guardrails: list = field(default_factory=list)
    sample_weight: np.ndarray | None = None  # weights are not taken in distributed training
    aggregates_digest: str = ""          # of every row's aggregates: a continued job's data must match it
    dataset: str = ""                    # the stored featurized partitions, published on the cluster under this name
    workers: list[str] = field(default_factory=list)  # the workers that hold them and train
    final_model_reason: str = ("the best trial's model, trained on the training partitions on the cluster "
                               "(no refit: that would train it again on all rows)")

    @property
    def n_train_rows(self) -> int:
        return self.validation.n_rows - self.validation.n_valid_rows

    @property
    def data_shape(self) -> tuple[int, int]:
        return self.validation.n_rows, self.n_columns

    @property
    def datatransformer(self) -> Any:
        return self.refit_transformer

    @property
    def engineered_feature_names(self) -> list[str]:
        return [str(n) for n in self.refit_transformer.get_feature_names_out()]

    def check_rows(self, limit: int = 2000) -> pd.DataFrame:
        """Sample rows that exports are checked on."""
        return self.X.head(limit).reset_index(drop=True)

    def trial_data(self) -> DistributedTrialData:
        return DistributedTrialData(
            task=self.task.name, folds=[], n_pool=0, classes=self.classes, positive_label=self.positive_label,
            y_min=self.y_min, y_max=self.y_max, scheduler_address=self.scheduler_address, source=self.source,
            target=self.target, featurizer=self.refit_transformer, feature_names=self.engineered_feature_names,
            validation=self.validation, dataset=self.dataset, workers=self.workers)


def _holdout(rows: list[int], share: float | None, seed: int) -> PartitionHoldout:
    n = len(rows)
    if n < 2:
        raise DataError(f"training_data has {n} partition (file); training_mode='distributed' holds out whole "
                        "partitions to validate on, so it needs at least 2. Split the data into more files.")
    n_valid = min(n - 1, max(1, round(n * (share or HOLDOUT_SHARE))))
    valid = sorted(np.random.default_rng(seed).choice(n, size=n_valid, replace=False).tolist())
    train = [i for i in range(n) if i not in set(valid)]
    return PartitionHoldout(train, valid, int(sum(rows)), int(sum(rows[i] for i in valid)), list(rows))


def _exact_means(plan: featurizers.FeaturizationPlan, fitted: Any, means: pd.Series) -> None:
    """Give the fitted numeric imputers (strategy ``mean``) the means of all rows instead of the sample's."""
    for step in plan.steps:
        if step.recipe != "numeric" or step.params.get("strategy", "mean") != "mean":
            continue
        imputer = fitted.named_transformers_[step.name].named_steps["union"].transformer_list[0][1]
        exact = means.reindex(step.columns).to_numpy(dtype=float)
        known = ~np.isnan(exact)
        imputer.statistics_[known] = exact[known]


def _exact_categories(plan: featurizers.FeaturizationPlan, fitted: Any, X: pd.DataFrame,
                      value_rows: dict[str, pd.Series]) -> None:
    """Give the fitted label encoders every row's categories instead of the sample's, and their imputers
    every row's most frequent category, for the columns whose values were all counted (``value_rows``)."""
    for step in plan.steps:
        if step.recipe != "label":
            continue
        pipeline = fitted.named_transformers_[step.name]
        cast, imputer, encoder = (pipeline.named_steps[k] for k in ("cast", "imputer", "encoder"))
        for j, column in enumerate(step.columns):
            rows = value_rows.get(column)
            if rows is None or rows.empty:
                continue
            values = X[step.columns].iloc[np.zeros(len(rows), dtype=int)].reset_index(drop=True)
            values[column] = rows.index  # every value, cast as the fitted cast casts it
            by_category = pd.Series(rows.to_numpy(), index=cast.transform(values)[:, j]).groupby(level=0).sum()
            encoder.categories_[j] = by_category.index.to_numpy(dtype=object)  # sorted, as the encoder sorts
            imputer.statistics_[j] = by_category.idxmax()  # the first of the most frequent, as the imputer picks


def _import_modules(names: tuple[str, ...]) -> None:
    """Import ``names`` (run on every worker by ``client.run``)."""
    for name in names:
        importlib.import_module(name)


def training_workers(client: Client, max_nodes: int | None) -> list[str]:
    """The addresses of the workers a distributed job trains on: the first ``max_nodes`` by address, or
    every worker (``max_nodes`` None, or more than the cluster has)."""
    workers = sorted(client.scheduler_info().get("workers", {}))
    return workers[:max_nodes] if max_nodes else workers


def _sample(client: Client, frame: dd.DataFrame, partitions: list[int], rows: list[int], seed: int) -> pd.DataFrame:
    total = sum(rows[i] for i in partitions)
    share = min(1.0, SAMPLE_ROWS / max(1, total))
    chosen = frame.partitions[partitions]
    if share < 1.0:
        chosen = chosen.sample(frac=share, random_state=seed)
    return client.compute(chosen, sync=True).reset_index(drop=True)


def prepare_distributed(job: AutoMLJob, task: TabularTask, client: Client,
                        why: str = "training_mode='distributed'") -> DistributedData:
    """The setup step of a distributed job (see the module's docstring).

    Raises
    ------
    DataError
        Data that cannot be read, no target column, a single partition, or a target the task
        cannot learn.
    ConfigError
        Settings distributed training does not take (validation or test data of another kind,
        cross-validation, a weight column).
    """
    settings = job.data
    for name in ("validation_data", "weight_column_name", "cv_split_column_names", "n_cross_validations"):
        if getattr(settings, name, None) not in (None, "auto"):
            raise ConfigError(f"{name} is not taken by training_mode='distributed', which validates on held-out "
                              "partitions (validation_data_size sets their share). Remove it.")
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
    except TimeoutError:
        raise ConfigError(f"the Dask cluster at {client.scheduler.address} has no worker (none came within "
                          f"{WORKER_WAIT_SECONDS} s); start `dask worker {client.scheduler.address}`.") from None
    client.run(_import_modules, WORKER_MODULES, on_error="return")  # every worker at once (any error comes later)
    frame = load_partitioned(settings.training_data, client=client)
    target = settings.target_column_name
    if target not in frame.columns:
        raise DataError(f"training_data has no target column {target!r}; its columns: "
                        f"{', '.join(map(str, list(frame.columns)[:30]))}.")
    facts = aggregates(client, frame, target, task.predicts_classes)
    if facts["missing_target"]:
        raise DataError(f"the target column {target!r} has {int(facts['missing_target']):,} missing values; "
                        "training_mode='distributed' does not drop rows. Filter them out (an MLTable filter).")
    validation = _holdout(facts["rows"], settings.validation_data_size, job.seed)
    sample = task.check_target(_sample(client, frame, validation.train_partitions, facts["rows"], job.seed),
                               target, "training_data")
    X, y = sample.drop(columns=[target]), sample[target].to_numpy()
    codes = dataclasses.replace(job.featurization, blocked_transformers=[
        *(job.featurization.blocked_transformers or []), *CODED_INSTEAD_OF])
    counts = featurizers.ColumnCounts(validation.n_rows, facts["distinct"])  # purposes as every row decides them
    plan = _plan_featurization(X, codes, onnx=True, counts=counts)  # high-cardinality columns coded, not hashed
    plan.sparse_output = False  # partitions are featurized into dense blocks for the boosters
    _require_features(plan)
    fitted = plan.build().fit(X, y)
    _exact_means(plan, fitted, facts["means"])
    _exact_categories(plan, fitted, X, facts["value_rows"])
    prepared = DistributedData(task, target, X, y, validation, plan, fitted, client.scheduler.address,
                               frame, frame.shape[1] - 1,
                               workers=training_workers(client, job.limits.max_nodes))
    prepared.featurization_summary = plan.summary(fitted)
    prepared.aggregates_digest = aggregates_digest(facts)
    if task.predicts_classes:
        prepared.classes = np.sort(np.asarray(facts["classes"].index))
        task.describe_target(prepared, prepared.classes, task.positive_label(job))
    else:
        prepared.y_min, prepared.y_max = float(facts["low"]), float(facts["high"])
    if settings.test_data is not None:
        prepared.X_test = load_partitioned(settings.test_data, setting="test_data", client=client)
    context = guardrails.GuardrailContext(
        X=X, y=pd.Series(y), task=task.name, purposes=plan.purposes, validation=validation.to_dict(),
        featurization_mode=job.featurization.mode, total_rows=validation.n_rows,
        total_class_counts=facts.get("classes"), total_missing_counts=facts["missing"],
        total_unique_counts=facts["distinct"],
        featurized_bytes_estimate=validation.n_rows * len(prepared.engineered_feature_names) * 8,
        available_memory_bytes=smallest_worker_memory(client, prepared.workers),
        memory_mitigation=f"{why}: the data stays on the Dask cluster ({_nodes(client, prepared.workers)}); the "
                          f"driver holds a sample of {len(X):,} of {validation.n_rows:,} rows")
    prepared.guardrails = guardrails.run_all(context)
    return prepared


def _nodes(client: Client, workers: list[str]) -> str:
    total = len(client.scheduler_info().get("workers", {}))
    return f"trained on {len(workers)} of its {total} workers" + (" (max_nodes)" if len(workers) < total else "")


def _store(data: DistributedTrialData, client: Client, partitions: list[int]) -> list[StoredPartition]:
    """Featurize ``partitions`` and store them on the job's training workers."""
    return store_partitions(client, data.source, partitions, data.featurizer, data.target, data.classes,
                            len(data.feature_names), FOLDER_PREFIX + data.dataset, data.workers)


def featurized_data(data: DistributedTrialData, client: Client) -> tuple[list[StoredPartition], list[StoredPartition]]:
    """The training and held-out partitions, featurized and stored on the workers' disks
    (:mod:`._distributed_store`): those the setup stored (:func:`publish_featurized`), a partition whose
    worker was lost stored again on the workers left."""
    store = functools.partial(_store, data, client)
    try:
        stored = client.get_dataset(data.dataset)
    except KeyError:  # not stored yet
        holdout = data.validation
        stored = {"train": store(holdout.train_partitions), "valid": store(holdout.valid_partitions)}
    else:
        stored = {key: stored_partitions(client, parts, store) for key, parts in stored.items()}
    client.publish_dataset(stored, name=data.dataset, override=True)
    return stored["train"], stored["valid"]


def publish_featurized(prepared: DistributedData, client: Client, name: str) -> None:
    """Featurize every partition once, store it on a training worker's disk for the job's trials, and
    publish where each is under ``name`` (:func:`unpublish_featurized` deletes them)."""
    prepared.dataset = name
    featurized_data(prepared.trial_data(), client)


def unpublish_featurized(client: Client, name: str) -> None:
    """Delete what :func:`publish_featurized` stored (a cluster already gone has nothing to delete)."""
    try:
        client.unpublish_dataset(name)
    except Exception:  # unknown name, or the scheduler is gone: nothing is held
        pass
    remove_stored(client, FOLDER_PREFIX + name)
