"""Every tracking test logs to a temporary store, never into the repository.

One SQLite store per session (creating one takes seconds), in a temporary
folder that is also the working directory of each test.
"""
from __future__ import annotations

import pandas as pd
import pytest

import automl
from automl.tracking._store import make_client


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("mlflow")


@pytest.fixture(scope="session")
def tracking_uri(store_dir) -> str:
    """The session's store, created here: a job with a limit of seconds would otherwise spend them
    creating it (under a parallel run, more than a 6-s job has), and the tests of what a job logs
    before its limit would see the store's creation instead."""
    uri = f"sqlite:///{store_dir / 'mlflow.db'}"
    make_client(uri).search_experiments()
    return uri


@pytest.fixture(autouse=True)
def _isolated_store(tracking_uri, store_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", tracking_uri)
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    monkeypatch.delenv("AUTOML_TRACKING", raising=False)  # the suite turns tracking off elsewhere
    yield


@pytest.fixture(scope="session")
def titanic_frame(data_dir) -> pd.DataFrame:
    return pd.read_csv(data_dir / "titanic.csv")


@pytest.fixture(scope="session")
def tracked_result(titanic_frame, tracking_uri, tmp_path_factory):
    """One small titanic job logged to the session store (shared by the read-only tests)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp_path_factory.mktemp("job"))
        mp.setenv("MLFLOW_TRACKING_URI", tracking_uri)
        mp.delenv("AUTOML_TRACKING", raising=False)
        job = automl.classification(training_data=titanic_frame, target_column_name="Survived",
                                    primary_metric="AUC_weighted", experiment_name="tracking-tests",
                                    name="titanic_tracked", tags={"team": "qa"}, log_verbosity="warning")
        job.set_limits(max_trials=3, max_concurrent_trials=1)
        job.set_training(enable_vote_ensemble=False, enable_stack_ensemble=False)
        return job.submit(show_progress=False)
