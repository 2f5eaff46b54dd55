"""load_partitioned: a folder, a glob pattern or an MLTable of many files as a Dask DataFrame, a partition
per file, never read whole; estimated_memory_bytes from the files' sizes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl.data import Input, MLTable, estimated_memory_bytes, load_partitioned
from automl.errors import ConfigError, DataError


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    frames = []
    for i in range(4):
        frame = pd.DataFrame({"a": np.arange(5) + 10 * i, "b": list("xyzxy"), "c": np.linspace(0, 1, 5)})
        frame.to_parquet(folder / f"part-{i}.parquet", index=False)
        frames.append(frame)
    return folder, pd.concat(frames, ignore_index=True)


def test_a_folder_and_a_pattern_are_a_partition_per_file(files):
    folder, whole = files
    for source in (str(folder), f"{folder}/part-*.parquet", Input(type="uri_folder", path=str(folder))):
        frame = load_partitioned(source)
        assert frame.npartitions == 4
        pd.testing.assert_frame_equal(frame.compute().reset_index(drop=True), whole, check_dtype=False)


def test_an_mltable_runs_its_transformations_file_by_file(files, tmp_path):
    folder, whole = files
    table = tmp_path / "table"
    table.mkdir()
    (table / "MLTable").write_text(f"paths:\n  - pattern: {folder}/*.parquet\ntransformations:\n  - read_parquet\n"
                                   "  - drop_columns: [c]\n  - filter: \"col('a') > 12\"\n")
    frame = load_partitioned(str(table))
    assert frame.npartitions == 4 and list(frame.columns) == ["a", "b"]
    assert sorted(frame["a"].compute()) == sorted(whole.loc[whole["a"] > 12, "a"])
    assert load_partitioned(MLTable.load(str(table))).npartitions == 4


def test_what_cannot_be_read_a_file_at_a_time_is_a_clear_error(files, tmp_path):
    folder, _ = files
    (tmp_path / "MLTable").write_text(f"paths:\n  - pattern: {folder}/*.parquet\ntransformations:\n  - skip: 3\n")
    with pytest.raises(DataError, match=r"training_data: MLTable file .*skip counts rows across every file"):
        load_partitioned(str(tmp_path))
    with pytest.raises(DataError, match=r"the pattern '.*nothing-\*.parquet' matches no file"):
        load_partitioned(f"{folder}/nothing-*.parquet")
    with pytest.raises(DataError, match=r"'.*missing' does not exist"):
        load_partitioned(str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="got int"):
        load_partitioned(3)


def test_a_dataframe_is_split_into_partitions_of_bounded_rows():
    frame = pd.DataFrame({"a": np.arange(250_001)})
    parts = load_partitioned(frame)
    assert parts.npartitions == 3 and int(parts["a"].sum().compute()) == int(frame["a"].sum())


def test_the_memory_estimate_reads_only_the_files_sizes(files, tmp_path):
    folder, _ = files
    sizes = sum(p.stat().st_size for p in folder.iterdir())
    assert estimated_memory_bytes(str(folder)) == int(sizes * 5.0)
    (tmp_path / "t.csv.gz").write_bytes(b"x" * 100)
    assert estimated_memory_bytes(str(tmp_path / "t.csv.gz")) == 1200
    assert estimated_memory_bytes("https://example.com/x.csv") is None
    frame = pd.DataFrame({"a": np.arange(10)})
    assert estimated_memory_bytes(frame) == int(frame.memory_usage(deep=True).sum())
