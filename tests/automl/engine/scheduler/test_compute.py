"""Where a job trains: training_mode="distributed" needs a cluster; "auto" trains there when the data
would not fit in its smallest worker; "non_distributed" never does."""
from __future__ import annotations

import pytest
from distributed import Client, LocalCluster

from automl.engine.scheduler import cluster_for_training
from automl.errors import ConfigError


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, memory_limit="100MB",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def test_auto_trains_on_the_cluster_only_when_the_data_exceeds_a_worker(client):
    chosen, opened, why = cluster_for_training(client, "auto", 300_000_000)
    assert chosen is client and not opened
    assert why.startswith("training_mode='auto' chose distributed training: the data takes about 0.3 GiB")
    assert cluster_for_training(client, "auto", 50_000_000) == (None, False, "")
    assert cluster_for_training(client, "auto", None) == (None, False, "")
    assert cluster_for_training("local", "auto", 300_000_000) == (None, False, "")
    assert cluster_for_training(client, "non_distributed", 300_000_000) == (None, False, "")


def test_distributed_always_trains_on_the_cluster_and_needs_one(client):
    assert cluster_for_training(client, "distributed", None)[:2] == (client, False)
    with pytest.raises(ConfigError, match=r"trains on a Dask cluster: submit\(compute='dask://host:port'\)"):
        cluster_for_training("local", "distributed", None)
