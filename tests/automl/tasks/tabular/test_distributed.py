"""training_mode="distributed": a real ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1,
a Parquet folder of generated data, and a job whose trials train LightGBM across the workers.

The distributed job is compared with a local job on the same rows: both train the search's first
LightGBM configuration, and their held-out AUC on separate test rows must agree within 0.01.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import psutil
import pytest
from sklearn.metrics import roc_auc_score

import automl
import featurizers
from automl.errors import DataError
from tests._dask_cluster import dask_cluster

pytestmark = pytest.mark.slow

FILES, ROWS_PER_FILE, NUMERIC, SHOPS = 12, 40_000, 16, 300
#: The file of the flag's one rare value: a partition the job holds out for validation (seed 0), so the
#: driver's sample, drawn from the training partitions, never sees it.
RARE_FLAG_FILE = 10


def _frame(rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """Numeric columns (one with missing values), a categorical column, one of high cardinality (``shop``, which
    local mode hashes), an ID-like one (``order``, dropped), a flag that is all but constant (its rare value
    is set by :func:`_parquet`), and a binary label that depends on the features."""
    x = rng.normal(size=(rows, NUMERIC))
    kind = rng.choice(["alpha", "beta", "gamma", "delta"], size=rows)
    shop = rng.integers(0, SHOPS, size=rows)
    logit = x[:, 0] - 0.8 * x[:, 1] + 0.6 * x[:, 2] * x[:, 3] + np.where(kind == "alpha", 0.9, 0.0) \
        - np.where(kind == "delta", 0.7, 0.0) + 0.4 * np.sin(3 * x[:, 4]) + 0.3 * np.sin(shop)
    frame = pd.DataFrame(x, columns=[f"n{j:02d}" for j in range(NUMERIC)]).assign(kind=kind)
    frame["shop"] = pd.Series(shop).map("s{:03d}".format)
    frame["order"] = pd.Series(rng.integers(0, 10**12, size=rows)).map("o{:012d}".format)
    frame["flag"] = "common"
    frame.loc[rng.random(rows) < 0.05, "n05"] = np.nan
    frame["label"] = np.where(rng.random(rows) < 1 / (1 + np.exp(-logit)), "yes", "no")
    return frame


def _parquet(folder: Path, files: int, rows_per_file: int) -> tuple[Path, pd.DataFrame]:
    """A folder of Parquet files (the training data) and separate test rows."""
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(files):
        frame = _frame(rows_per_file, rng)
        if i == RARE_FLAG_FILE:
            frame.loc[7, "flag"] = "rare"  # one row of all, which the driver's sample cannot hold
            frame.loc[8, "kind"] = "epsilon"  # a category only every row's counts know
        frame.to_parquet(folder / f"part-{i:03d}.parquet", index=False)
    return folder, _frame(20_000, rng)


@pytest.fixture(scope="module")
def parquet(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """Enough rows that the driver's memory shows whether it holds them."""
    return _parquet(tmp_path_factory.mktemp("distributed") / "train", FILES, ROWS_PER_FILE)


@pytest.fixture(scope="module")
def small_parquet(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """Few rows, for a local job to compare with."""
    return _parquet(tmp_path_factory.mktemp("distributed-small") / "train", 6, 15_000)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker`` processes (one thread each); the address to submit to."""
    with dask_cluster(tmp_path_factory.mktemp("dask-logs")) as started:
        yield started.address


class PeakMemory:
    """The peak resident memory of this process above where it started, sampled every 50 ms."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.start = self.process.memory_info().rss
        self.peak = self.start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth(self) -> int:
        return self.peak - self.start


def _job(data, test: pd.DataFrame, name: str, mode: str, algorithm: str = "LightGBM"):
    job = automl.classification(training_data=data, test_data=test if mode == "non_distributed" else None,
                                target_column_name="label", name=name, log_verbosity="warning",
                                enable_model_explainability=False)
    job.set_training(training_mode=mode, allowed_training_algorithms=[algorithm])
    job.set_limits(max_trials=1, timeout_minutes=2)
    return job


@pytest.fixture(scope="module")
def distributed_result(parquet, cluster):
    folder, test = parquet
    import dask.dataframe  # noqa: F401 - imported before the memory is measured, as the trials' modules are
    import xgboost.dask  # noqa: F401

    from distributed import Client, get_task_stream

    with Client(cluster.replace("dask://", "tcp://"), timeout=30) as client:
        with get_task_stream(client) as stream, PeakMemory() as memory:
            result = _job(str(folder), test, "distributed_job", "distributed").submit(compute=cluster,
                                                                                      show_progress=False)
        assert client.list_datasets() == ()  # the featurized partitions kept for the trials were freed
    return result, memory, _training_workers(stream)


def _training_workers(stream) -> set[str]:
    """The workers that ran LightGBM's training tasks."""
    return {task["worker"] for task in stream.data if "_train_on_worker" in str(task["key"])}


def test_the_job_trains_across_the_workers_and_returns_a_plain_pipeline(parquet, distributed_result, tmp_path):
    folder, test = parquet
    result, memory, workers = distributed_result
    assert result.status == "Completed", result.leaderboard.to_dict("records")
    assert len(workers) == 2  # max_nodes unset: every worker trains
    trial = result.best_trial
    assert trial.succeeded and trial.algorithm == "LightGBM" and result.final_model.startswith("the best trial's")
    assert result.data_shape == (FILES * ROWS_PER_FILE, NUMERIC + 4)
    # The high-cardinality column is one column of codes on the workers, as the categorical one, where local
    # mode hashes it into 2**bits dense columns.
    assert [n for n in result.engineered_feature_names if n.startswith("shop")] == ["shop"], \
        result.engineered_feature_names
    X = test.drop(columns="label")
    hashed = featurizers.plan_featurization(X).build().fit(X).get_feature_names_out()
    assert sum(str(n).startswith("shop") for n in hashed) > 100
    # The column purposes are those of every row, as local mode finds them (the rare flag keeps its column),
    # and the guardrails that count read every row's aggregates, not the driver's sample.
    whole = pd.read_parquet(folder)
    summary = result.featurization_summary
    purposes = dict(zip(summary["RawFeatureName"], summary["TypeDetected"]))
    assert purposes == featurizers.detect_column_purposes(whole.drop(columns="label")), purposes
    assert purposes["flag"] == "Categorical" and purposes["order"] in ("Hashes", "Ignore")
    assert result.validation["valid_partitions"] == [RARE_FLAG_FILE]  # the sample has the common flag only
    # The category encoders know every row's categories, not only the sample's.
    rare = test.head(1).drop(columns="label").assign(kind="epsilon")
    kind = list(result.engineered_feature_names).index("kind")
    assert result.best_model[:-1].transform(rare)[0, kind] != -1  # -1: an unseen category
    cardinality = next(g for g in result.guardrails if g.name == "High cardinality feature detection")
    orders = next(d["Unique values"] for d in cardinality.details if d["Column"] == "order")
    assert orders == pytest.approx(whole["order"].nunique(), rel=0.02)
    missing = next(g for g in result.guardrails if g.name == "Missing feature values imputation")
    assert [(d["Column"], d["Missing values"]) for d in missing.details] == [("n05", int(whole["n05"].isna().sum()))]
    balance = next(g for g in result.guardrails if g.name == "Class balancing detection")
    assert {d["Class"]: d["Rows"] for d in balance.details} == whole["label"].value_counts().to_dict()
    holdout = result.validation
    assert holdout["method"] == "holdout_partitions" and holdout["n_rows"] == FILES * ROWS_PER_FILE
    assert holdout["fraction"] == pytest.approx(len(holdout["valid_partitions"]) / FILES)
    assert "LGBMClassifier" == type(result.best_model[-1]).__name__
    X = test.drop(columns="label")
    assert set(result.best_model.predict(X)) == {"yes", "no"}
    exported = result.export_onnx(tmp_path / "model.onnx")
    assert exported.check.passed
    # The driver holds a bounded sample and aggregates, never the table (its raw size as pandas holds it).
    data_bytes = int(pd.read_parquet(folder).memory_usage(deep=True).sum())
    assert memory.growth < data_bytes, (memory.growth, data_bytes)
    print(f"driver growth {memory.growth / 1e6:.0f} MB for {data_bytes / 1e6:.0f} MB of data; "
          f"{result.timings}")


@pytest.mark.parametrize("algorithm", ["LightGBM", "XGBoostClassifier"])
def test_the_held_out_score_is_that_of_a_local_job(small_parquet, cluster, algorithm, tmp_path, monkeypatch):
    folder, test = small_parquet
    with monkeypatch.context() as tracked:
        tracked.delenv("AUTOML_TRACKING", raising=False)  # the suite's MLflow store, as a local job would be
        result = _job(str(folder), test, "distributed_small", "distributed", algorithm).submit(compute=cluster,
                                                                                                show_progress=False)
    # Stopped, tracked and reported as a local job is.
    assert result.stop_reason == "max_trials (1) reached"
    run = mlflow.MlflowClient(result.tracking_uri).get_run(result.mlflow_run_id)
    assert run.info.status == "FINISHED"
    assert run.data.metrics["AUC_weighted"] == pytest.approx(result.best_trial.metrics["AUC_weighted"])
    report = result.save_report(tmp_path / "report.html").read_text()
    assert "holdout_partitions" in report and algorithm in report
    local = _job(pd.read_parquet(folder), test, "local_job", "non_distributed", algorithm).submit(show_progress=False)
    assert result.best_trial.algorithm == local.best_trial.algorithm == algorithm
    assert type(result.best_model[-1]) is type(local.best_model[-1])  # the algorithm table's estimator
    assert result.export_onnx(tmp_path / "model.onnx").check.passed
    X, truth = test.drop(columns="label"), test["label"] == "yes"
    scores = {}
    for name, model in (("distributed", result.best_model), ("local", local.best_model)):
        proba = model.predict_proba(X)[:, list(model.classes_).index("yes")]
        scores[name] = roc_auc_score(truth, proba)
    print(scores, result.best_trial.params, local.best_trial.params)
    assert abs(scores["distributed"] - scores["local"]) <= 0.01, scores
    assert scores["distributed"] > 0.75  # the label depends on the columns: a model that learned nothing is 0.5


def test_max_nodes_is_how_many_workers_train(small_parquet, cluster):
    from distributed import Client, get_task_stream

    folder, test = small_parquet
    job = _job(str(folder), test, "one_node", "distributed")
    job.set_limits(max_nodes=1)
    with Client(cluster.replace("dask://", "tcp://"), timeout=30) as client:
        with get_task_stream(client) as stream:
            result = job.submit(compute=cluster, show_progress=False)
    assert result.best_trial.succeeded and len(_training_workers(stream)) == 1
    memory = next(g for g in result.guardrails if g.name == "Memory issues detection")
    assert "trained on 1 of its 2 workers (max_nodes)" in memory.description


def test_a_table_that_cannot_be_read_a_file_at_a_time_is_refused_before_training(parquet, cluster, tmp_path):
    folder, test = parquet
    (tmp_path / "MLTable").write_text(f"paths:\n  - pattern: {folder}/*.parquet\ntransformations:\n"
                                      "  - read_parquet\n  - take: 1000\n")
    started = time.monotonic()
    with pytest.raises(DataError, match=r"take counts rows across every file.*training_mode='distributed'"):
        _job(str(tmp_path), test, "take_job", "distributed").submit(compute=cluster, show_progress=False)
    assert time.monotonic() - started < 30


def test_an_xgboost_regression_matches_the_local_job(cluster, tmp_path):
    rng = np.random.default_rng(1)
    folder = tmp_path / "train"
    folder.mkdir()
    frames = [_frame(10_000, rng) for _ in range(5)]
    for i, frame in enumerate(frames):
        frame.assign(amount=frame["n00"] * 3 - frame["n01"] ** 2 + rng.normal(0, 0.5, len(frame))).drop(
            columns="label").to_parquet(folder / f"part-{i}.parquet", index=False)
    test = _frame(5_000, rng)
    test = test.assign(amount=test["n00"] * 3 - test["n01"] ** 2).drop(columns="label")
    scores = {}
    for mode, data in (("distributed", str(folder)), ("non_distributed", pd.read_parquet(folder))):
        job = automl.regression(training_data=data, target_column_name="amount", name=f"xgb_{mode}",
                                log_verbosity="warning", enable_model_explainability=False)
        job.set_training(training_mode=mode, allowed_training_algorithms=["XGBoostRegressor"])
        job.set_limits(max_trials=1, timeout_minutes=2)
        result = job.submit(compute=cluster if mode == "distributed" else "local", show_progress=False)
        assert type(result.best_model[-1]).__name__ == "XGBRegressor"
        predicted = result.best_model.predict(test.drop(columns="amount"))
        scores[mode] = 1 - np.mean((test["amount"] - predicted) ** 2) / np.var(test["amount"])
    print(scores)
    assert abs(scores["distributed"] - scores["non_distributed"]) <= 0.02, scores
    assert scores["distributed"] > 0.8, scores  # the target is mostly a function of two columns


#: The task each worker trains in, by algorithm: ``_train_on_worker`` for LightGBM, and the ``fn`` wrapper
#: xgboost.dask runs its ``do_train`` in.
TRAINING_TASKS = {"LightGBM": "_train_on_worker", "XGBoostClassifier": "fn-"}


@pytest.mark.timing  # the kill must land once the workers are connected, 2 s after training starts
@pytest.mark.parametrize("algorithm", list(TRAINING_TASKS))
def test_a_worker_lost_during_training_fails_that_trial_and_the_next_trains_on_the_others(parquet, tmp_path,
                                                                                          algorithm):
    from distributed import Client

    folder, test = parquet
    with dask_cluster(tmp_path) as started:
        def kill_a_worker_once_training() -> None:
            with Client(started.address.replace("dask://", "tcp://"), timeout=30) as client:
                while not any(TRAINING_TASKS[algorithm] in str(key) for keys in client.processing().values()
                              for key in keys):
                    time.sleep(0.05)
                time.sleep(2.0)  # the workers are connected and boosting
                started.workers[0].kill()

        killer = threading.Thread(target=kill_a_worker_once_training, daemon=True)
        killer.start()
        job = _job(str(folder), test, "worker_lost", "distributed", algorithm)
        job.set_limits(max_trials=2)
        result = job.submit(compute=started.address, show_progress=False)
        killer.join(timeout=5)
    assert len(result.trials) == 2, (result.stop_reason, result.leaderboard.to_dict("records"))
    first, second = sorted(result.trials, key=lambda t: t.iteration)
    assert result.status == "Completed" and not first.succeeded, result.leaderboard.to_dict("records")
    assert first.error.startswith("the cluster lost 1 worker(s) during this trial (tcp://127.0.0.1:"), first.error
    assert "Stack trace" not in first.error and len(first.error) < 600, first.error
    assert second.succeeded and result.best_trial is second  # it trains again, on the worker left


def test_a_distributed_job_is_canceled_from_another_thread_and_keeps_its_finished_trials(small_parquet, tmp_path):
    from distributed import Client

    folder, test = small_parquet
    with dask_cluster(tmp_path) as started:
        job = _job(str(folder), test, "canceled_distributed", "distributed")
        job.set_limits(max_trials=20, timeout_minutes=3)

        def cancel_once_the_second_trial_trains() -> None:
            trainings, training = 0, False
            with Client(started.address.replace("dask://", "tcp://"), timeout=30) as client:
                while trainings < 2:
                    now = any("_train_on_worker" in str(key) for keys in client.processing().values() for key in keys)
                    trainings += now and not training
                    training = now
                    time.sleep(0.05)
            job.cancel()

        canceller = threading.Thread(target=cancel_once_the_second_trial_trains, daemon=True)
        canceller.start()
        result = job.submit(compute=started.address, show_progress=False)
        canceller.join(timeout=5)
    assert result.status == "Canceled", (result.status, result.stop_reason)
    first = min(result.trials, key=lambda t: t.iteration)
    assert first.succeeded and result.best_trial is first and result.best_model is not None
    assert len(result.trials) < 20 and any(t.status == "Canceled" for t in result.trials), \
        [(t.iteration, t.status) for t in result.trials]


def test_a_distributed_job_is_extended_and_refused_once_a_row_it_does_not_hold_changes(cluster, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOML_OUTPUTS_DIR", str(tmp_path / "outputs"))
    folder, test = _parquet(tmp_path / "train", 4, 10_000)
    first = _job(str(folder), test, "extended_distributed", "distributed").submit(compute=cluster, show_progress=False)
    result = automl.extend("extended_distributed", max_trials=1, compute=cluster, show_progress=False)
    kept, added = sorted(result.trials, key=lambda t: t.iteration)
    assert (kept.name, kept.score) == (first.best_trial.name, first.best_trial.score)  # not trained again
    assert added.succeeded and added.iteration > kept.iteration
    # One value of one row in a held-out partition, which the driver's sample never holds: every row's
    # aggregates tell the change.
    path = sorted(folder.glob("*.parquet"))[result.validation["valid_partitions"][0]]
    frame = pd.read_parquet(path)
    frame.loc[5, "n03"] += 1.0
    frame.to_parquet(path, index=False)
    with pytest.raises(DataError, match=r"data of job 'extended_distributed' changed since its first session"):
        automl.extend("extended_distributed", max_trials=1, compute=cluster, show_progress=False)
