"""The featurized partitions a distributed job stores on its workers' disks."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

import featurizers
from automl.tasks.tabular import _distributed_store
from automl.tasks.tabular._distributed_store import (StoredPartition, _write_features, load_features,
                                                     stored_partitions, target_of)


def _frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"x": rng.normal(size=rows), "colour": rng.choice(["red", "blue", "green"], size=rows),
                          "label": rng.choice(["no", "yes"], size=rows)})
    frame.loc[rng.random(rows) < 0.2, "x"] = np.nan
    return frame


def _plan(X: pd.DataFrame) -> featurizers.FeaturizationPlan:
    plan = featurizers.plan_featurization(X, onnx_compatible=True)
    plan.sparse_output = False  # as distributed training plans it
    return plan


def test_a_partition_is_featurized_a_block_at_a_time_into_the_features_of_all_its_rows(tmp_path, monkeypatch):
    frame = _frame(53)
    X = frame.drop(columns=["label"])
    featurizer = _plan(X).build().fit(X, frame["label"])
    monkeypatch.setattr(_distributed_store, "FEATURIZED_ROWS", 7)  # 8 blocks, the last of 4 rows
    width = np.asarray(featurizer.transform(X.head(2))).shape[1]
    _write_features(str(tmp_path / "part-X.npy"), frame, featurizer, "label", width)
    stored = load_features(StoredPartition(0, "w", str(tmp_path / "part"), len(frame), width))
    expected = np.asarray(featurizer.transform(X), dtype=np.float32)
    assert stored.dtype == np.float32 and stored.shape == expected.shape
    np.testing.assert_array_equal(stored, expected)


def test_the_target_is_the_class_positions_every_worker_shares():
    codes = target_of(pd.Series(["b", "c", "b", "a"]), np.array(["a", "b", "c", "d"]))
    assert codes.dtype == np.int32 and codes.tolist() == [1, 2, 1, 0]
    assert target_of(pd.Series([1.5, 2.0]), None).tolist() == [1.5, 2.0]


def test_only_the_partitions_of_a_lost_worker_are_stored_again():
    stored = [StoredPartition(i, worker, f"/w/{i}", 10, 3) for i, worker in enumerate(["tcp://a", "tcp://b",
                                                                                       "tcp://a", "tcp://b"])]
    client = SimpleNamespace(scheduler_info=lambda: {"workers": {"tcp://a": {}}})  # b was lost
    asked: list[list[int]] = []

    def store(partitions: list[int]) -> list[StoredPartition]:
        asked.append(partitions)
        return [StoredPartition(i, "tcp://a", f"/a/{i}", 10, 3) for i in partitions]

    again = stored_partitions(client, stored, store)
    assert asked == [[1, 3]]
    assert [(p.partition, p.worker, p.path) for p in again] == [(0, "tcp://a", "/w/0"), (1, "tcp://a", "/a/1"),
                                                                (2, "tcp://a", "/w/2"), (3, "tcp://a", "/a/3")]
    assert stored_partitions(SimpleNamespace(scheduler_info=lambda: {"workers": {"tcp://a": {}, "tcp://b": {}}}),
                             stored, store) is stored and len(asked) == 1
