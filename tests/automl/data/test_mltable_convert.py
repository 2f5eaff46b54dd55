"""``convert_column_types``."""

from __future__ import annotations

import pandas as pd
import pytest

from automl.data import from_delimited_files, load_mltable
from automl.errors import DataError

CSV = (
    "i,f,s,flag,yn,when,day\n"
    "1,1.5,001,true,Y,2024-01-02 03:04:05,02/01/2024\n"
    "2,,002,false,N,2024-02-03 00:00:00,03/02/2024\n"
    ",2,003,,Y,,\n"
)


@pytest.fixture
def table(write_mltable, write_text):
    def make(conversions: str):
        folder = write_mltable(
            "paths:\n  - file: a.csv\ntransformations:\n  - read_delimited:\n"
            "      infer_column_types: false\n  - convert_column_types:\n" + conversions
        )
        write_text("table/a.csv", CSV)
        return folder

    return make


def test_every_type(table):
    frame = load_mltable(
        table("""\
      - columns: [i]
        column_type: int
      - columns: f
        column_type: float
      - columns: [s]
        column_type: string
      - columns: flag
        column_type: boolean
      - columns: yn
        column_type:
          boolean:
            true_values: [Y]
            false_values: [N]
            mismatch_as: error
      - columns: when
        column_type: datetime
      - columns: day
        column_type:
          datetime:
            formats: ['%d/%m/%Y']
""")
    )
    assert (
        frame["i"].dtype == "Int64" and frame["i"].tolist()[:2] == [1, 2] and pd.isna(frame["i"][2])
    )
    assert frame["f"].dtype == "float64" and frame["f"].tolist()[0] == 1.5
    assert frame["s"].tolist() == ["001", "002", "003"]
    assert frame["flag"].dtype == "boolean" and frame["flag"].tolist()[:2] == [True, False]
    assert frame["yn"].dtype == bool and frame["yn"].tolist() == [True, False, True]
    assert frame["when"][0] == pd.Timestamp("2024-01-02 03:04:05") and pd.isna(frame["when"][2])
    assert frame["day"][1] == pd.Timestamp("2024-02-03")


def test_int_without_nulls_is_int64(tmp_path):
    (tmp_path / "a.csv").write_text("n\n1.0\n2.0\n")
    frame = (
        from_delimited_files(tmp_path / "a.csv")
        .convert_column_types([{"columns": "n", "column_type": "int"}])
        .to_pandas_dataframe()
    )
    assert frame["n"].dtype == "int64"


def test_mismatch_as(table):
    frame = load_mltable(
        table(
            "      - columns: s\n        column_type:\n          boolean:\n"
            "            true_values: ['001']\n            mismatch_as: false\n"
        )
    )
    assert frame["s"].tolist() == [True, False, False]


@pytest.mark.parametrize(
    "column, kind, bad",
    [
        ("s", "int", None),
        ("flag", "float", "'true'"),
        ("when", "int", "'2024-01-02 03:04:05'"),
        ("s", "boolean", "'001'"),
        ("s", "datetime", "'001'"),
    ],
)
def test_failed_conversion_names_column_and_first_bad_value(table, column, kind, bad):
    folder = table(f"      - columns: {column}\n        column_type: {kind}\n")
    if bad is None:  # "001" is a valid int
        assert load_mltable(folder)[column].tolist() == [1, 2, 3]
        return
    with pytest.raises(DataError) as err:
        load_mltable(folder)
    message = str(err.value)
    assert f"cannot convert column '{column}' to {kind}" in message
    assert f"first bad value is {bad} (row 0)" in message
    assert "transformations[1].convert_column_types[0]' (line 7)" in message


def test_non_integral_value_for_int(table):
    with pytest.raises(DataError, match="column 'f' to int: the first bad value is '1.5'"):
        load_mltable(table("      - columns: f\n        column_type: int\n"))


def test_datetime_formats_are_tried_in_order(table):
    with pytest.raises(DataError, match="column 'day' to datetime.*'02/01/2024'.*formats"):
        load_mltable(
            table(
                "      - columns: day\n        column_type:\n          datetime:\n"
                "            formats: ['%Y-%m-%d']\n"
            )
        )


SPEC_ERRORS = {
    "      - columns: i\n        column_type: integer\n": (
        r"column_type' \(line 8\): unknown column type 'integer'.*int"
    ),
    "      - columns: i\n        column_type: {boolean: {true_value: [a]}}\n": (
        r"unknown option 'true_value'.*Did you mean 'true_values'"
    ),
    "      - column: i\n        column_type: int\n": r"unknown key 'column'.*Did you mean",
    "      - columns: i\n": "missing key 'column_type'",
    "      - columns: nope\n        column_type: int\n": (
        r"columns' \(line 7\): column 'nope' does not exist"
    ),
}


def test_spec_errors(table):
    for conversions, expected in SPEC_ERRORS.items():
        with pytest.raises(DataError, match=expected):
            load_mltable(table(conversions))
