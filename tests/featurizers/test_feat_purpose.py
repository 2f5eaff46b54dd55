"""Column-purpose rules of reference 5.2, each pinned just below and just above its threshold."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from featurizers import PURPOSES, ColumnCounts, FeaturizationConfigError, detect_column_purposes, plan_featurization
from featurizers._hashing import default_number_of_bits


def purpose(values, **kwargs) -> str:
    return detect_column_purposes(pd.DataFrame({"c": values}), **kwargs)["c"]


def codes(u: int, n: int, *, template: str = "v{:06d}") -> list[str]:
    """n strings with exactly u distinct values, all of one length."""
    return [template.format(i % u) for i in range(n)]


def ints(u: int, n: int) -> list[int]:
    return [i % u for i in range(n)]


# --- rules 1-4 -----------------------------------------------------------------------------

@pytest.mark.parametrize("values", [
    [None] * 10, [np.nan] * 10, [np.inf, -np.inf, np.nan] * 4,
    pd.array([None] * 10, dtype="Int64"), pd.Series([None] * 10, dtype="str"),
])
def test_all_missing_is_allnan(values):
    assert purpose(values) == "AllNan"


@pytest.mark.parametrize("values", [["a"] * 9 + [None], [3.5] * 10, [7] * 10, [True] * 10])
def test_single_value_is_ignore(values):
    assert purpose(values) == "Ignore"


@pytest.mark.parametrize("values", [
    pd.date_range("2020-01-01", periods=50, freq="D"),
    pd.date_range("2020-01-01", periods=50, freq="h", tz="Europe/Paris"),
    [f"2021-03-{d:02d} 10:00:00" for d in range(1, 29)],
    [f"{m:02d}/15/2020" for m in range(1, 13)] * 3,
])
def test_datetime_values_are_datetime(values):
    assert purpose(values) == "DateTime"


@pytest.mark.parametrize("values", [
    ["may", "jun", "jul"] * 20,                   # month names without digits
    ["1.5", "2.5", "3.5"] * 20,                   # numbers as strings
    list(range(20190101, 20190161)),              # integers are never dates without an override
    ["2020-01-01"] * 10 + ["junk"] * 20,           # mostly unparseable
])
def test_not_datetime(values):
    assert purpose(values) != "DateTime"


def test_category_dtype_is_categorical_even_with_high_cardinality():
    values = pd.Series(codes(900, 1000), dtype="category")
    assert purpose(values) == "Categorical"
    assert purpose(pd.Series(codes(900, 1000))) != "Categorical"


# --- rule 5: u >= min(200, 0.05 n) ------------------------------------------------------------

@pytest.mark.parametrize("n, u, expected", [
    (1000, 49, "Categorical"), (1000, 50, "CategoricalHash"),       # 0.05 n = 50
    (10_000, 199, "Categorical"), (10_000, 200, "CategoricalHash"),  # cap of 200
])
def test_high_cardinality_threshold_for_strings(n, u, expected):
    assert purpose(codes(u, n)) == expected


@pytest.mark.parametrize("n, u, expected", [
    (1000, 690, "CategoricalHash"), (1000, 710, "Ignore"),   # cr 0.7
    (1000, 890, "Ignore"), (1000, 910, "Hashes"),            # cr 0.9
])
def test_cardinality_ratio_thresholds_without_spaces(n, u, expected):
    assert purpose(codes(u, n)) == expected


@pytest.mark.parametrize("n, u, expected", [
    (20_000, 9_999, "CategoricalHash"), (20_000, 10_000, "Ignore"),
])
def test_categorical_hash_needs_fewer_than_10000_values(n, u, expected):
    assert purpose(codes(u, n)) == expected


def test_text_with_10000_values_and_spaces():
    assert purpose(codes(10_000, 20_000, template="word {:06d} more")) == "Text"
    assert purpose(codes(9_999, 20_000, template="word {:06d} more")) == "CategoricalHash"


@pytest.mark.parametrize("n, u, expected", [
    (1000, 860, "Text"),             # cr > 0.85 and > 1 space per value
    (1000, 690, "CategoricalHash"),  # cr < 0.7 wins over spaces
    (1000, 710, "Text"),             # cr >= 0.7 with spaces: text
])
def test_spaced_values(n, u, expected):
    assert purpose(codes(u, n, template="the item {:06d} here")) == expected


def test_one_space_per_value_is_not_text():
    values = codes(1000, 1000, template="item {:06d}")   # exactly 1.0 space on average
    assert purpose(values) == "Hashes"
    values = [f"{i} " + "x" * (i % 2) for i in range(1000)]  # 1 space; > 0.9; 4+ lengths
    assert purpose(values) == "Ignore"


def test_non_spaced_language_is_text():
    values = [f"这是第{i}个很长的中文句子没有空格" for i in range(500)]
    assert purpose(values) == "Text"


@pytest.mark.parametrize("n, expected", [(199, "Ignore"), (200, "Hashes")])
def test_hashes_need_200_rows(n, expected):
    assert purpose(codes(n, n)) == expected


@pytest.mark.parametrize("n_lengths, expected", [(3, "Hashes"), (4, "Ignore")])
def test_hashes_need_at_most_3_lengths(n_lengths, expected):
    values = [f"{i:06d}" + "x" * (i % n_lengths) for i in range(1000)]
    assert purpose(values) == expected


def test_guid_column_is_hashes():
    import uuid
    values = [str(uuid.UUID(int=i * 7919 + 1)) for i in range(300)]
    assert purpose(values) == "Hashes"


def test_high_cardinality_numbers_stay_numeric():
    assert purpose(np.arange(1000) * 1.5) == "Numeric"
    assert purpose(list(range(1000))) == "Numeric"          # all-unique integer ID: kept numeric
    assert purpose([str(v) for v in np.arange(1000) * 1.5]) == "Numeric"


# --- rule 6: low cardinality -----------------------------------------------------------------

@pytest.mark.parametrize("u, expected", [(50, "Categorical"), (51, "Numeric")])
@pytest.mark.parametrize("dtype", ["int64", "Int64", "float64"])
def test_integer_rule_u_le_min_50_5pct(u, expected, dtype):
    # n = 2000: rule 5 starts at min(200, 100) = 100 distinct values; rule 6 cap min(50, 100) = 50
    assert purpose(pd.Series(ints(u, 2000), dtype=dtype)) == expected


@pytest.mark.parametrize("n, u, expected", [(600, 29, "Categorical"), (600, 30, "Numeric")])
def test_integer_rule_small_n(n, u, expected):
    # below 1,000 rows both caps are 0.05 n = 30: under it categorical, at it rule 5 (numeric)
    assert purpose(ints(u, n)) == expected


def test_low_cardinality_floats_bools_and_strings():
    assert purpose([0.5, 1.5, 2.5] * 100) == "Numeric"
    assert purpose([True, False] * 100) == "Numeric"
    assert purpose(pd.array([True, None, False] * 100, dtype="boolean")) == "Numeric"
    assert purpose(["a", "b", "c"] * 100) == "Categorical"
    assert purpose(pd.Series(["a", None, "b"] * 100, dtype="str")) == "Categorical"


@pytest.mark.parametrize("u, expected", [(99, "Categorical"), (100, "Numeric")])
def test_timeseries_integer_rule(u, expected):
    assert purpose(ints(u, 2000), is_timeseries=True) == expected


@pytest.mark.parametrize("u, expected", [(499, "Categorical"), (500, "CategoricalHash")])
def test_timeseries_high_cardinality_has_no_200_cap(u, expected):
    assert purpose(codes(u, 10_000), is_timeseries=True) == expected
    assert purpose(codes(u, 10_000)) == "CategoricalHash"


def test_mixed_type_objects():
    assert purpose([1, "2", 3.0, None] * 100) == "Categorical"   # all numbers, 3 distinct ints
    assert purpose([1, "a", 2.5, None] * 100) == "Categorical"


# --- overrides ---------------------------------------------------------------------------------

def test_overrides_are_case_insensitive_and_win():
    X = pd.DataFrame({"zip": ints(900, 1000), "name": codes(10, 1000)})
    got = detect_column_purposes(X, column_name_and_types={"zip": "categorical", "name": "TEXT"})
    assert got == {"zip": "Categorical", "name": "Text"}
    got = detect_column_purposes(X, column_name_and_types={"zip": "hashes", "name": "ignore"})
    assert got == {"zip": "Hashes", "name": "Ignore"}


def test_every_detected_purpose_is_known():
    X = pd.DataFrame({"a": [None] * 300, "b": codes(300, 300), "c": np.arange(300.0)})
    assert set(detect_column_purposes(X).values()) <= set(PURPOSES)


@pytest.mark.parametrize("overrides, match", [
    ({"nope": "Numeric"}, "'nope'.*not in the data"),
    ({"a": "Number"}, "'Number' is not a known purpose.*Numeric"),
    ({"a": "AllNan"}, "not a known purpose"),
])
def test_override_errors_name_the_problem(overrides, match):
    X = pd.DataFrame({"a": [1.0, 2.0]})
    with pytest.raises(FeaturizationConfigError, match=match):
        detect_column_purposes(X, column_name_and_types=overrides)


def test_frame_errors():
    with pytest.raises(FeaturizationConfigError, match="DataFrame"):
        detect_column_purposes(np.zeros((3, 2)))
    with pytest.raises(FeaturizationConfigError, match="strings"):
        detect_column_purposes(pd.DataFrame({0: [1.0]}))
    with pytest.raises(FeaturizationConfigError, match="unique"):
        detect_column_purposes(pd.DataFrame([[1, 2]], columns=["a", "a"]))


@pytest.mark.parametrize("u, rule", [(840, 3), (860, 1)])
def test_text_ratio_085_picks_the_first_text_rule(u, rule):
    """Spaced values are Text either way; cr > 0.85 matches rule 5's first Text branch."""
    from featurizers._purpose import _HIGH_CARDINALITY, ColumnStats
    stats = ColumnStats(pd.Series(codes(u, 1000, template="the item {:06d} here")))
    matched = next(i for i, (_, holds) in enumerate(_HIGH_CARDINALITY) if holds(stats))
    assert (matched, _HIGH_CARDINALITY[matched][0]) == (rule, "Text")


# --- a sample of larger data: the whole data's counts ----------------------------------------

def _whole_and_sample(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """100,000 rows: 3,000 shop codes (categorical over every row: a ratio of 0.03) and a flag with one
    rare value; a sample of 2,000 rows sees a ratio of about 0.7 shops, and only the common flag."""
    n = 100_000
    whole = pd.DataFrame({"shop": [f"s{i:04d}" for i in rng.integers(0, 3_000, n)],
                          "flag": np.where(np.arange(n) % 25_000 == 7, "rare", "common")})
    return whole, whole.sample(2_000, random_state=0).query("flag == 'common'")


def test_counts_of_the_whole_data_decide_as_every_row_would():
    whole, sample = _whole_and_sample(np.random.default_rng(0))
    assert detect_column_purposes(sample) == {"shop": "Ignore", "flag": "Ignore"}  # the sample misleads
    counts = ColumnCounts(n_rows=len(whole), distinct=whole.nunique().to_dict())
    assert detect_column_purposes(sample, counts=counts) == detect_column_purposes(whole) \
        == {"shop": "CategoricalHash", "flag": "Categorical"}


def test_a_plan_on_a_sample_takes_the_whole_data_s_rows_and_counts():
    whole, sample = _whole_and_sample(np.random.default_rng(1))
    counts = ColumnCounts(n_rows=len(whole), distinct=whole.nunique().to_dict())
    plan = plan_featurization(sample, counts=counts)
    assert plan.n_rows == len(whole) and plan.unique_counts == {"shop": 3_000, "flag": 2}
    hashed = next(s for s in plan.steps if s.recipe == "hash")
    assert hashed.params["number_of_bits"] == [default_number_of_bits(3_000)]


def test_counts_of_another_frame_are_refused():
    X = pd.DataFrame({"shop": codes(10, 100)})
    with pytest.raises(FeaturizationConfigError, match=r"counts names column 'shp'.*'shop'"):
        detect_column_purposes(X, counts=ColumnCounts(n_rows=1_000, distinct={"shp": 10}))
    with pytest.raises(FeaturizationConfigError, match=r"counts.n_rows \(50\) is below the frame's 100 rows"):
        detect_column_purposes(X, counts=ColumnCounts(n_rows=50))
