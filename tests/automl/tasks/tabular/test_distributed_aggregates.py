"""The counts a distributed job's setup takes over every row: distinct values by sketch, missing values,
rows, means and classes, in one pass over the partitions."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl.tasks.tabular._distributed_aggregates import (SKETCH_SIZE, aggregates, aggregates_digest, distinct_count,
                                                          distinct_sketch, merge_sketches)


def _count(values) -> int:
    return distinct_count(distinct_sketch(pd.Series(values)))


def test_counts_below_the_sketch_size_are_exact():
    rng = np.random.default_rng(0)
    assert _count(rng.integers(0, SKETCH_SIZE - 1, 400_000)) == SKETCH_SIZE - 1
    assert _count([f"s{i}" for i in rng.integers(0, 10_001, 200_000)]) == 10_001  # every level drawn
    assert _count(["a", "b", None, "a"]) == 2
    assert _count([1.0, np.nan, np.inf, -np.inf, 1.0, 2.5]) == 2  # inf is missing, as the guardrails count it
    assert _count(pd.Series([np.nan] * 5)) == 0


@pytest.mark.parametrize("n_distinct", [50_000, 1_000_000])
def test_counts_past_the_sketch_size_are_estimated_within_two_percent(n_distinct):
    values = pd.Series(np.arange(n_distinct) * 7919 % 10**9).map("id-{}".format)
    assert distinct_count(distinct_sketch(values)) == pytest.approx(n_distinct, rel=0.02)


def test_merged_partition_sketches_count_the_union_not_the_sum():
    rng = np.random.default_rng(1)
    parts = [pd.Series(rng.integers(0, 200_000, 100_000)) for _ in range(6)]
    merged = merge_sketches([distinct_sketch(p) for p in parts])
    truth = pd.concat(parts).nunique()
    assert np.array_equal(merged, distinct_sketch(pd.concat(parts)))
    assert distinct_count(merged) == pytest.approx(truth, rel=0.02)
    assert sum(p.nunique() for p in parts) > 2 * truth  # what adding partitions' counts would say


def test_aggregates_count_every_partition_in_one_pass():
    dd = pytest.importorskip("dask.dataframe")
    from distributed import Client, LocalCluster, get_task_stream

    rng = np.random.default_rng(2)
    n = 60_000
    frame = pd.DataFrame({"x": rng.normal(size=n), "k": rng.integers(0, 40, n).astype(float),
                          "shop": pd.Series(rng.integers(0, 900, n)).map("s{}".format),
                          "order": [f"o{i}" for i in range(n)], "flag": np.where(np.arange(n) == 59_999, "rare", "c"),
                          "label": rng.choice(["yes", "no"], size=n)})
    frame.loc[rng.random(n) < 0.1, "x"] = np.nan
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster, \
            Client(cluster) as client, get_task_stream(client) as stream:
        found = aggregates(client, dd.from_pandas(frame, npartitions=6), "label", classify=True)
    features = frame.drop(columns="label")
    assert found["rows"] == [10_000] * 6
    assert found["distinct"]["shop"] == 900 and found["distinct"]["flag"] == 2  # the rare value is in one partition
    assert found["distinct"]["order"] == pytest.approx(n, rel=0.02)
    # A numeric column of many values is not counted (any count past 256 decides its purpose alike); one of
    # few values is, exactly.
    assert "x" not in found["distinct"] and found["distinct"]["k"] == 40
    # The rows of each value, for the columns of fewer values than the sketch holds (the categories coded).
    assert set(found["value_rows"]) == {"k", "shop", "flag"}
    assert found["value_rows"]["shop"].sort_index().to_dict() == features["shop"].value_counts().sort_index().to_dict()
    assert found["value_rows"]["flag"].to_dict() == {"c": n - 1, "rare": 1}
    assert found["missing"] == features.isna().sum().to_dict() and found["missing_target"] == 0
    assert found["means"]["x"] == pytest.approx(frame["x"].mean())
    assert found["classes"].to_dict() == frame["label"].value_counts().to_dict()
    reads = [t for t in stream.data if "from_pandas" in str(t["key"]) or "frompandas" in str(t["key"])]
    assert len(reads) <= 6, [str(t["key"]) for t in reads]  # each partition made once for every count


def test_the_digest_of_the_aggregates_moves_with_any_of_them():
    found = {"rows": [3, 2], "means": pd.Series({"x": 0.25}), "missing": {"x": 1}, "missing_target": 0,
             "distinct": {"x": 4, "k": 2}, "value_rows": {"k": pd.Series({"a": 4, "b": 1})},
             "classes": pd.Series({"yes": 3, "no": 2})}
    same = {**found, "value_rows": {"k": pd.Series({"b": 1, "a": 4})}}  # the same rows per value, in another order
    assert aggregates_digest(same) == aggregates_digest(found)
    changed = [{**found, "means": pd.Series({"x": 0.25 + 1e-12})}, {**found, "rows": [2, 3]},
               {**found, "value_rows": {"k": pd.Series({"a": 3, "b": 2})}}, {**found, "missing": {"x": 0}},
               {**found, "classes": pd.Series({"yes": 2, "no": 3})}]
    assert len({aggregates_digest(f) for f in changed} | {aggregates_digest(found)}) == len(changed) + 1
