"""The adult MLTable of the issue: keep_columns, convert_column_types and a filter."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from automl.data import Input, load_data

ADULT = Path(__file__).resolve().parents[2] / "data" / "adult.csv.gz"

MLTABLE = """\
$schema: https://azuremlschemas.azureedge.net/latest/MLTable.schema.json
type: mltable
paths:
  - file: {path}
transformations:
  - read_delimited:
      delimiter: ','
      header: all_files_same_headers
      encoding: ascii
  - keep_columns: [age, workclass, education, hours_per_week, sex, class]
  - convert_column_types:
      - columns: [age, hours_per_week]
        column_type: float
      - columns: sex
        column_type:
          boolean:
            true_values: [Female]
            false_values: [Male]
  - filter: 'col("age") >= 18 and col("hours_per_week") > 0 and col("workclass") != "?"'
"""


def test_adult_mltable_loads(tmp_path):
    folder = tmp_path / "adult"
    folder.mkdir()
    (folder / "MLTable").write_text(MLTABLE.format(path=ADULT))
    frame = load_data(Input(type="mltable", path=folder))

    raw = pd.read_csv(ADULT)
    kept = raw[(raw["age"] >= 18) & (raw["hours_per_week"] > 0) & (raw["workclass"] != "?")]
    assert len(frame) == len(kept) > 40_000
    assert list(frame.columns) == [
        "age",
        "workclass",
        "education",
        "hours_per_week",
        "sex",
        "class",
    ]
    assert frame["age"].dtype == "float64" and frame["hours_per_week"].dtype == "float64"
    assert frame["sex"].dtype == bool and frame["sex"].sum() == (kept["sex"] == "Female").sum()
    assert set(frame["class"]) == {"<=50K", ">50K"}
    assert frame["age"].tolist() == kept["age"].astype(float).tolist()
