"""Property-based tests: arbitrary mixed frames never break the featurization.

For any frame hypothesis builds from the column kinds users send (numbers with
missing, infinite and huge values, integers, bools, categories, text, dates as
text, numbers as text with thousands separators, mixed objects, empty and constant
columns) under any column names:

- planning, ``fit`` and ``transform`` do not raise;
- the output has one row per input row, and its width is the same for the rows it
  was fitted on and for new rows of the same columns (unseen categories, other dates);
- the output holds no NaN and no infinity;
- the featurization summary accounts for every output column.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from featurizers import plan_featurization

KINDS = ("float", "int", "bool", "category", "text", "date", "grouped", "mixed", "empty", "constant")
WORDS = ("red", "green", "blue", "Zürich", "東京", "", " ", "a b", "NaN", "None", "0", "1.5")
FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([0.0, 1e300, -1e300, 1e-300]), st.integers(-5, 5).map(float))
#: Any name but one ending in NUL: numpy's fixed-width strings drop it, so scikit-learn cannot find
#: the column. ``automl.data`` refuses such names with the fix (tests/robustness/test_bad_input_data.py).
NAMES = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1,
                max_size=12).filter(lambda name: not name.endswith("\x00"))
DATES = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1))


def _values(kind: str, n: int) -> st.SearchStrategy:
    """``n`` values of one column kind."""
    def listed(element):
        return st.lists(element, min_size=n, max_size=n)
    if kind == "float":
        return listed(FLOATS)
    if kind == "int":
        return listed(st.integers(-10, 10))
    if kind == "bool":
        return listed(st.booleans())
    if kind == "category":
        return listed(st.one_of(st.sampled_from(WORDS), st.none()))
    if kind == "text":
        return listed(st.lists(st.sampled_from(WORDS[:6]), min_size=0, max_size=8).map(" ".join))
    if kind == "date":
        return listed(st.one_of(DATES.map(lambda d: d.strftime("%Y-%m-%d %H:%M")), st.none(),
                                st.just("not a date")))
    if kind == "grouped":
        return listed(st.integers(0, 10**7).map(lambda v: f"{v:,}"))
    if kind == "mixed":
        return listed(st.one_of(st.integers(-3, 3), st.sampled_from(WORDS), st.none(), st.booleans(), FLOATS))
    if kind == "empty":
        return st.just([None] * n)
    return st.just(["same"] * n)


@st.composite
def frame_pairs(draw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A training frame and new rows with the same columns and column kinds."""
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=5))
    names = draw(st.lists(NAMES, min_size=len(kinds), max_size=len(kinds), unique=True))
    n_fit, n_new = draw(st.integers(2, 40)), draw(st.integers(1, 15))
    frames = []
    for n in (n_fit, n_new):
        columns = {name: draw(_values(kind, n)) for name, kind in zip(names, kinds)}
        frames.append(pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()}))
    if draw(st.booleans()):  # as pandas would infer them from a file
        frames = [f.infer_objects() for f in frames]
    return frames[0], frames[1]


def _dense(out) -> np.ndarray:
    return np.asarray(out.toarray() if sp.issparse(out) else out, dtype=np.float64)


@settings(max_examples=100, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(frame_pairs())
def test_any_mixed_frame_featurizes_to_finite_numbers_of_stable_width(pair):
    X, new_rows = pair
    plan = plan_featurization(X)
    if not plan.steps:  # every column dropped (empty, constant, ID-like): nothing to fit
        assert set(plan.dropped_columns) == set(X.columns)
        return
    fitted = plan.build().fit(X)
    out, out_new = _dense(fitted.transform(X)), _dense(fitted.transform(new_rows))
    assert out.shape[0] == len(X) and out_new.shape[0] == len(new_rows)
    assert out.shape[1] == out_new.shape[1] == len(fitted.get_feature_names_out())
    assert np.isfinite(out).all() and np.isfinite(out_new).all()
    summary = plan.summary(fitted)
    assert sum(r["EngineeredFeatureCount"] for r in summary) == out.shape[1]
    assert [r["RawFeatureName"] for r in summary] == list(X.columns)


@settings(max_examples=50, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(frame_pairs())
def test_transform_is_deterministic_and_row_wise(pair):
    X, new_rows = pair
    plan = plan_featurization(X)
    if not plan.steps:
        return
    fitted = plan.build().fit(X)
    both = pd.concat([X, new_rows], ignore_index=True)
    whole = _dense(fitted.transform(both))
    np.testing.assert_array_equal(whole[: len(X)], _dense(fitted.transform(X)))
    np.testing.assert_array_equal(whole[len(X):], _dense(fitted.transform(new_rows)))
