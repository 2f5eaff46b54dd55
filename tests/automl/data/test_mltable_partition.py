"""``extract_columns_from_partition_format``."""

from __future__ import annotations

import pandas as pd
import pytest

from automl.data import from_delimited_files, load_mltable
from automl.errors import DataError


@pytest.fixture
def partitioned(write_text):
    write_text("table/Accounts/2019/01/31/data.csv", "v\n1\n2\n")
    write_text("table/Sales/2020/12/01/data.csv", "v\n3\n")


def _table(write_mltable, fmt: str, read: str = "{}"):
    return write_mltable(
        "paths:\n  - pattern: ./**/data.csv\ntransformations:\n"
        f"  - read_delimited: {read}\n  - extract_columns_from_partition_format: '{fmt}'\n"
    )


def test_text_and_date_columns(partitioned, write_mltable):
    frame = load_mltable(_table(write_mltable, "/{Department}/{PartitionDate:yyyy/MM/dd}/data.csv"))
    assert list(frame.columns) == ["v", "Department", "PartitionDate"]
    assert frame["Department"].tolist() == ["Accounts", "Accounts", "Sales"]
    assert frame["PartitionDate"].tolist() == [pd.Timestamp("2019-01-31")] * 2 + [
        pd.Timestamp("2020-12-01")
    ]


def test_wildcards_and_path_column_kept(partitioned, write_mltable):
    folder = _table(
        write_mltable, "/{dept}/{year}/{month}/*/*.csv", read="{include_path_column: true}"
    )
    frame = load_mltable(folder)
    assert frame[["dept", "year", "month"]].values.tolist()[-1] == ["Sales", "2020", "12"]
    assert "Path" in frame.columns


def test_hive_style_partitions(write_text, tmp_path):
    write_text("hive/puYear=2021/puMonth=3/part-0.csv", "v\n1\n")
    write_text("hive/puYear=2022/puMonth=11/part-0.csv", "v\n2\n")
    frame = (
        from_delimited_files(str(tmp_path / "hive/**/*.csv"))
        .extract_columns_from_partition_format("/puYear={year}/puMonth={month}")
        .to_pandas_dataframe()
    )
    assert frame[["year", "month"]].values.tolist() == [["2021", "3"], ["2022", "11"]]


def test_path_not_matching(partitioned, write_mltable):
    with pytest.raises(DataError) as err:
        load_mltable(_table(write_mltable, "/{Department}/{PartitionDate:yyyy/MM/dd}/other.csv"))
    message = str(err.value)
    assert "Accounts/2019/01/31/data.csv' does not match the partition format" in message
    assert "extract_columns_from_partition_format' (line 5)" in message


@pytest.mark.parametrize(
    "fmt, expected",
    [
        ("/no/fields", "expected a format with {column} fields"),
        ("/{a}/{a}", "column 'a' twice"),
        ("/{}/x", "an empty column name"),
        ("/{d:YYYY}", "'YYYY', which is not a date part"),
        ("/{d:-}", "has no date part"),
    ],
)
def test_bad_formats(partitioned, write_mltable, fmt, expected):
    with pytest.raises(DataError, match=expected):
        load_mltable(_table(write_mltable, fmt))


def test_path_column_dropped_before_extraction(partitioned, write_mltable):
    folder = write_mltable(
        "paths:\n  - pattern: ./**/data.csv\ntransformations:\n"
        "  - read_delimited: {include_path_column: true}\n  - drop_columns: Path\n"
        "  - extract_columns_from_partition_format: '/{d}/{y}/{m}/{day}/data.csv'\n"
    )
    with pytest.raises(DataError, match="Do not drop the Path column"):
        load_mltable(folder)


def test_keep_columns_before_extraction_keeps_the_source(partitioned, write_mltable):
    folder = write_mltable(
        "paths:\n  - pattern: ./**/data.csv\ntransformations:\n"
        "  - read_delimited: {}\n  - keep_columns: [v]\n"
        "  - extract_columns_from_partition_format: '/{d}/{y}/{m}/{day}/data.csv'\n"
    )
    assert list(load_mltable(folder).columns) == ["v", "d", "y", "m", "day"]
