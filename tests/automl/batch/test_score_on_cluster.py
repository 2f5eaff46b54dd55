"""Batch scoring on a Dask cluster: a real ``dask scheduler`` and two ``dask worker`` processes score the
mini batches; the predictions are those of scoring here, and every mini batch ran on a worker."""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from automl.batch import score_batch
from automl.cli import main
from automl.errors import ConfigError
from tests._dask_cluster import dask_cluster
from tests._mlflow_server import free_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with dask_cluster(tmp_path_factory.mktemp("dask-logs"), memory_limit="1GB") as started:
        yield started.address


def _scored_where(address: str, **kwargs) -> tuple[object, set[str]]:
    """``score_batch(..., compute=client)`` and the workers its mini batch tasks ran on."""
    from distributed import Client, get_task_stream

    with Client(address.replace("dask://", "tcp://"), timeout=30) as client:
        with get_task_stream(client) as stream:
            done = score_batch(compute=client, **kwargs)
        workers = {task["worker"] for task in stream.data if task["key"].startswith("_score_mini_batch")}
        assert len(client.scheduler_info()["workers"]) == 2  # the client given is left open and working
    return done, workers


def test_every_mini_batch_is_scored_on_the_workers_as_it_is_here(titanic_model, parts, cluster, tmp_path):
    _, models, test = titanic_model
    parts(test, tmp_path / "in", 10)
    here = score_batch(models / "model.onnx", tmp_path / "in", tmp_path / "here.csv", mini_batch_size=2, proba=True)
    there, workers = _scored_where(cluster, model=models / "model.onnx", input=tmp_path / "in",
                                   output=tmp_path / "there.csv", mini_batch_size=2, proba=True)
    assert there.status == here.status == "Completed" and there.files_scored == 10
    assert len(workers) == 2  # 5 mini batches, two workers of one thread: both scored
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "there.csv"), pd.read_csv(tmp_path / "here.csv"))


def test_an_mltable_is_scored_a_file_at_a_time_by_a_python_model(regression_model, cluster, tmp_path):
    result, models, rows = regression_model
    table = tmp_path / "table"
    table.mkdir()
    for i, chunk in enumerate(np.array_split(np.arange(len(rows)), 3)):
        rows.iloc[chunk].to_csv(table / f"rows_{i}.csv", index=False)
    (table / "MLTable").write_text("paths:\n  - pattern: ./rows_*.csv\ntransformations:\n  - read_delimited: {}\n")
    done, workers = _scored_where(cluster, model=models / "mlflow-model", input=table, output=tmp_path / "p.csv",
                                  mini_batch_size=1)
    assert done.status == "Completed" and done.files_scored == 3 and workers
    out = pd.read_csv(tmp_path / "p.csv")
    assert out["file"].unique().tolist() == ["rows_0.csv", "rows_1.csv", "rows_2.csv"]
    assert out.groupby("file")["row"].min().tolist() == [0, 0, 0]
    np.testing.assert_allclose(out["prediction"], result.best_model.predict(rows), rtol=1e-6)


def test_the_cli_scores_on_the_cluster_it_is_given(titanic_model, parts, cluster, tmp_path, capsys):
    _, models, test = titanic_model
    parts(test, tmp_path / "in", 4)
    code = main(["predict", "--model", str(models / "model.onnx"), "--input", str(tmp_path / "in"),
                 "--output", str(tmp_path / "out" / "p.csv"), "--compute", cluster])
    assert code == 0, capsys.readouterr().err
    assert len(pd.read_csv(tmp_path / "out" / "p.csv")) == len(test)


def test_an_unreachable_scheduler_is_a_config_error_before_the_input_is_read(titanic_model, tmp_path):
    _, models, _ = titanic_model
    started = time.monotonic()
    with pytest.raises(ConfigError, match="no Dask scheduler answered") as caught:
        score_batch(models / "model.onnx", tmp_path / "does-not-exist", tmp_path / "p.csv",
                    compute=f"dask://127.0.0.1:{free_port()}")
    assert "--input" not in str(caught.value) and time.monotonic() - started < 60


def test_a_mini_batch_whose_task_failed_counts_its_files_as_failed_and_the_job_goes_on():
    from concurrent.futures import Future

    from automl.batch._runner import _outcome
    from automl.batch._sources import Part

    lost: Future = Future()
    lost.set_exception(ConnectionResetError("the worker tcp://127.0.0.1:1 was lost"))
    frames, errors = _outcome([Part("a.csv", pd.DataFrame), Part("b.csv", pd.DataFrame)], lost)
    assert frames == [] and [e.file for e in errors] == ["a.csv", "b.csv"]
    assert all("ConnectionResetError: the worker tcp://127.0.0.1:1 was lost" in e.error for e in errors)
