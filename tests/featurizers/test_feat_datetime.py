"""DateTime recipe: parsing (time zones, junk), the ten date parts, imputation of unparseable values."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from featurizers import DATE_PARTS, DateTimeFeatures, plan_featurization
from featurizers._datetime import parse_datetime

PARTS = ["year", "month", "day", "dayofweek", "dayofyear", "quarter", "weekofyear",
         "hour", "minute", "second"]


def test_ten_date_parts_in_order():
    assert list(DATE_PARTS) == PARTS
    X = pd.DataFrame({"when": ["2024-02-29 13:45:10"]})
    enc = DateTimeFeatures().fit(X)
    assert enc.transform(X).tolist() == [[2024, 2, 29, 3, 60, 1, 9, 13, 45, 10]]
    assert enc.get_feature_names_out().tolist() == [f"when_{p}" for p in PARTS]


def test_unparseable_values_become_nan():
    out = DateTimeFeatures().fit_transform(pd.DataFrame({"w": ["2020-05-01", "garbage", None]}))
    assert out[0, 0] == 2020 and np.isnan(out[1:]).all()


def test_mixed_time_zones_are_converted_to_utc():
    values = pd.Series(["2021-06-01 10:00:00+02:00", "2021-06-01 10:00:00-05:00",
                        dt.datetime(2021, 6, 1, 10, tzinfo=dt.timezone.utc), "2021-06-01 10:00"],
                       dtype=object)
    assert parse_datetime(values).dt.hour.tolist() == [8, 15, 10, 10]


def test_tz_aware_column_keeps_its_wall_clock():
    values = pd.Series(pd.date_range("2021-01-01 09:00", periods=2, freq="h", tz="Asia/Tokyo"))
    assert parse_datetime(values).dt.hour.tolist() == [9, 10]


def test_numbers_as_dates():
    assert parse_datetime(pd.Series([20190323, None])).dt.day.tolist()[0] == 23
    assert parse_datetime(pd.Series([86400.0])).dt.day.tolist() == [2]      # epoch seconds


def test_datetime_recipe_imputes_unparseable_with_the_mode():
    stamps = [f"2020-02-15 {h:02d}:30:00" for h in range(24)] * 5 \
        + [f"2020-03-{d:02d} 00:00:00" for d in range(1, 21)] + ["not a date"]
    X = pd.DataFrame({"when": stamps})
    plan = plan_featurization(X)
    assert plan.purposes["when"] == "DateTime"
    fitted = plan.build().fit(X)
    out = fitted.transform(pd.DataFrame({"when": ["garbage", None]}))
    assert out[0, :3].tolist() == [2020, 2, 15] and out[1, :3].tolist() == [2020, 2, 15]
    record = plan.summary(fitted)[0]
    assert record["EngineeredFeatureCount"] == 10
    assert record["Transformations"] == ["DateTimeTransformer", "ModeImputer"]


def test_datetime_override_on_strings():
    X = pd.DataFrame({"d": ["2020-01-01", "2020-02-01", "2020-03-01"] * 40})
    plan = plan_featurization(X, column_name_and_types={"d": "datetime"})
    assert plan.recipes["d"] == "datetime"
    assert plan.build().fit_transform(X).shape == (120, 10)


@pytest.mark.parametrize("dtype", ["datetime64[ns]", "datetime64[us]"])
def test_datetime64_columns(dtype):
    X = pd.DataFrame({"d": pd.Series(pd.date_range("2020", periods=100, freq="D")).astype(dtype)})
    X.loc[3, "d"] = pd.NaT
    plan = plan_featurization(X)
    out = plan.build().fit_transform(X)
    assert plan.purposes["d"] == "DateTime" and not np.isnan(out).any()
