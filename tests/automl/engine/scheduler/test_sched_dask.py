"""The same job on a Dask LocalCluster: same leaderboard, same limits."""
import tempfile
import time
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

import automl
from automl.errors import ConfigError
from automl.testing import registered_test_algorithm
from tests.automl.conftest import tree_then_sleeper
from automl.core import CANCELED, COMPLETED

pytestmark = pytest.mark.timing  # wall time against a limit: make test runs it alone


@pytest.fixture(scope="module")
def dask_client():
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


def _job(frame, algorithms=("Sleeper", "DecisionTree", "KNN")):
    job = automl.classification(training_data=frame, target_column_name="label",
                                primary_metric="AUC_weighted", log_verbosity="warning")
    # Learners without learned portfolio entries, so the searched trials are these defaults.
    job.set_training(allowed_training_algorithms=list(algorithms), enable_stack_ensemble=False)
    # 15 s per trial: a Dask trial starts a Python process, which takes seconds on a busy machine.
    job.set_limits(max_trials=len(algorithms) + 1, max_concurrent_trials=2, trial_timeout_minutes=0.25)
    return job


def test_job_on_a_local_cluster_matches_the_local_leaderboard(small_classification_frame, dask_client):
    in_temp = set(Path(tempfile.gettempdir()).glob("automl-dask-*"))
    with registered_test_algorithm("classification", "Sleeper", "sleep", priority=-1):
        on_dask = _job(small_classification_frame).submit(compute=dask_client)
    # Locally, without the Sleeper (its 15 s are the Dask run's to prove): the same vote of the same members.
    local = _job(small_classification_frame, ("DecisionTree", "KNN")).submit()
    assert set(on_dask.leaderboard.columns) == set(local.leaderboard.columns)
    statuses = {t.algorithm: t.status for t in on_dask.trials}
    assert statuses == {"Sleeper": CANCELED, "DecisionTree": COMPLETED, "KNN": COMPLETED,
                        "VotingEnsemble": COMPLETED}
    sleeper = next(t for t in on_dask.trials if t.algorithm == "Sleeper")
    assert "trial_timeout_minutes (0.25)" in sleeper.error and sleeper.duration_seconds <= 15 + 15
    assert on_dask.status == "Completed"
    raw = small_classification_frame.drop(columns="label")
    assert (on_dask.best_model.predict(raw) == local.best_model.predict(raw)).mean() > 0.9
    # The trial data file each worker wrote is deleted when the job ends.
    left = dask_client.run(
        lambda dask_worker: [str(p) for p in Path(dask_worker.local_directory).glob("automl-dask-*")])
    assert left and all(paths == [] for paths in left.values()), left
    assert set(Path(tempfile.gettempdir()).glob("automl-dask-*")) == in_temp


def test_unreachable_scheduler_is_a_config_error_before_any_work(tmp_path, monkeypatch):
    from automl.engine.scheduler import _dask

    monkeypatch.setattr(_dask, "CONNECT_TIMEOUT", 1)  # Dask retries a refused connection until then
    job = automl.classification(training_data=str(tmp_path / "missing.csv"), target_column_name="y")
    with pytest.raises(ConfigError, match=r"dask://127.0.0.1:9.*within 1 s"):
        job.submit(compute="dask://127.0.0.1:9")  # a DataError would mean data was read first


def test_cancel_on_dask_keeps_finished_trials(small_classification_frame, dask_client):
    with tree_then_sleeper(small_classification_frame) as job:
        run = job.submit(compute=dask_client, wait=False)
        deadline = time.monotonic() + 60
        while not run.finished_trials and time.monotonic() < deadline:  # the DecisionTree comes first
            time.sleep(0.2)
        time.sleep(2.0)  # the Sleeper is running on a worker now
        run.cancel()
        result = run.result(timeout=60)
    assert result.status == "Canceled" and "canceled" in result.stop_reason
    assert {t.algorithm: t.status for t in result.trials} == {"DecisionTree": COMPLETED, "Sleeper": CANCELED}
    assert result.best_model is not None
