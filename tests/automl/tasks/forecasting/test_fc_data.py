"""Forecasting data preparation: bad input, frequency and gaps, aggregation, short series, guardrails."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl.errors import ConfigError, DataError
from automl.settings import ForecastingSettings
from automl.tasks.forecasting import prepare_forecasting
from automl.settings import DataSettings

from .conftest import monthly_panel


def _prepare(frame, n_cv=None, **settings):
    s = ForecastingSettings(**{"time_column_name": "date", "forecast_horizon": 3, **settings}).normalized()
    s.validate()
    return prepare_forecasting(DataSettings(training_data=frame, target_column_name="sales",
                                            n_cross_validations=n_cv), s)


def _guardrail(prepared, name):
    return next(g for g in prepared.guardrails if g.name == name)


def test_clean_panel_passes_every_guardrail(panel):
    prepared = _prepare(panel, time_series_id_column_names=["store"])
    assert prepared.spec.frequency == "MS" and prepared.spec.season == 12
    assert len(prepared.series) == 2 and prepared.spec.n_cross_validations == 5  # 10 windows over 2 series
    assert {g.name for g in prepared.guardrails} == {
        "Frequency detection", "Missing values imputation", "Short series handling", "Time series ID detection",
        "Time series aggregation", "Memory issues detection"}
    assert all(g.status == "Passed" for g in prepared.guardrails)


def test_duplicate_timestamps_without_ids_name_the_timestamps(panel):
    frame = panel.drop(columns=["store", "price"])
    with pytest.raises(DataError, match=r"Duplicate timestamps.*2018-01-01.*time_series_id_column_names"):
        _prepare(frame)


def test_duplicate_timestamps_within_a_series_name_the_series(panel):
    frame = pd.concat([panel, panel.iloc[[5]]], ignore_index=True)
    with pytest.raises(DataError, match=r"series 's0'.*2018-06-01"):
        _prepare(frame, time_series_id_column_names=["store"])


def test_series_ids_are_detected_when_timestamps_repeat(panel):
    prepared = _prepare(panel)
    assert prepared.spec.id_columns == ["store"]
    assert _guardrail(prepared, "Time series ID detection").status == "Done"


def test_time_column_that_does_not_parse(panel):
    frame = panel.astype({"date": str})
    frame.loc[4, "date"] = "not a date"
    with pytest.raises(DataError, match=r"'date'.*row 4: 'not a date'"):
        _prepare(frame, time_series_id_column_names=["store"])


def test_frequency_finer_than_the_data_is_refused(panel):
    with pytest.raises(ConfigError, match=r"frequency 'D' is finer than the data.*MS"):
        _prepare(panel, time_series_id_column_names=["store"], frequency="D")


def test_horizon_longer_than_any_series_allows(panel):
    with pytest.raises(ConfigError, match=r"forecast_horizon=30 is longer than any series allows.*48 points"):
        _prepare(panel, time_series_id_column_names=["store"], forecast_horizon=30)


@pytest.mark.parametrize("n_series, folds", [(1, 10), (2, 5), (3, 4), (4, 3), (12, 3)])
def test_auto_folds_give_few_series_more_windows(n_series, folds):
    prepared = _prepare(monthly_panel(n_series=n_series), time_series_id_column_names=["store"])
    assert prepared.spec.n_cross_validations == folds
    assert prepared.trial.y_true.size == n_series * folds * 3


def test_auto_folds_add_no_window_the_shortest_series_cannot_hold():
    """Three folds of 3 months need 13 points (2 * 3 + 2 * 3 + 1); a fourth would need 16: the 14-month
    series caps the folds at three, and is not dropped as short."""
    frame = monthly_panel(n_series=2)
    frame = frame[(frame["store"] == "s0") | (frame["date"] >= frame["date"].max() - pd.DateOffset(months=13))]
    prepared = _prepare(frame, time_series_id_column_names=["store"])
    assert prepared.spec.n_cross_validations == 3
    assert len(prepared.series) == 2 and _guardrail(prepared, "Short series handling").status == "Passed"


def test_a_series_short_for_three_folds_neither_caps_nor_counts():
    """Eight months cannot hold three folds of 3 (13 points): that series is dropped as short, and the
    other, alone, gets the ten windows of one series."""
    frame = monthly_panel(n_series=2)
    frame = frame[(frame["store"] == "s0") | (frame["date"] >= frame["date"].max() - pd.DateOffset(months=7))]
    prepared = _prepare(frame, time_series_id_column_names=["store"])
    assert prepared.spec.n_cross_validations == 10
    assert len(prepared.series) == 1 and _guardrail(prepared, "Short series handling").status == "Done"


def test_too_many_folds_for_the_series(panel):
    with pytest.raises(ConfigError, match=r"n_cross_validations=20"):
        _prepare(panel, n_cv=20, time_series_id_column_names=["store"])


def test_gaps_are_inserted_and_imputed():
    frame = monthly_panel(n_series=1).drop(columns="store")
    frame.loc[10, "sales"] = np.nan
    frame.loc[12, "price"] = np.nan
    frame = frame.drop(index=[20, 21]).reset_index(drop=True)
    prepared = _prepare(frame)
    series = prepared.series[0]
    assert len(series) == 48 and np.isfinite(series.y).all() and not series.X["price"].isna().any()
    assert series.y[20] == series.y[19]  # the target is carried forward into the gap
    imputation = _guardrail(prepared, "Missing values imputation")
    assert imputation.status == "Done" and prepared.facts.inserted_rows == 2
    assert {row["column"] for row in imputation.details} == {"sales", "price"}


def test_misaligned_points_are_removed_with_a_guardrail():
    frame = monthly_panel(n_series=1).drop(columns="store")
    frame = pd.concat([frame, pd.DataFrame({"date": [pd.Timestamp("2019-06-15")], "price": [10.0],
                                            "sales": [1.0]})], ignore_index=True)
    prepared = _prepare(frame, frequency="MS")
    guardrail = _guardrail(prepared, "Frequency detection")
    assert guardrail.status == "Done" and guardrail.details[0]["time"].startswith("2019-06-15")
    assert len(prepared.series[0]) == 48


def test_mostly_misaligned_data_needs_aggregation():
    days = pd.date_range("2020-01-01", periods=400, freq="D")
    frame = pd.DataFrame({"date": days, "sales": np.arange(400.0)})
    with pytest.raises(DataError, match=r"on the 'MS' grid.*target_aggregate_function"):
        _prepare(frame, frequency="MS")


def test_aggregation_to_a_coarser_frequency():
    days = pd.date_range("2020-01-01", periods=366, freq="D")
    frame = pd.DataFrame({"date": days, "price": 1.0, "sales": 1.0})
    prepared = _prepare(frame, frequency="MS", target_aggregate_function="sum", forecast_horizon=2)
    series = prepared.series[0]
    assert len(series) == 12 and series.y[0] == 31 and series.y[1] == 29
    assert _guardrail(prepared, "Time series aggregation").status == "Done"


@pytest.mark.parametrize("mode, n_series, action", [("auto", 2, "dropped"), ("drop", 2, "dropped"),
                                                     ("pad", 3, "padded"), ("none", 3, "kept")])
def test_short_series_modes(mode, n_series, action):
    frame = pd.concat([monthly_panel(n_series=2), monthly_panel(n_series=1, length=10, seed=3)
                       .assign(store="short")], ignore_index=True)
    prepared = _prepare(frame, time_series_id_column_names=["store"], short_series_handling_config=mode)
    assert len(prepared.series) == n_series
    guardrail = _guardrail(prepared, "Short series handling")
    assert guardrail.details[0]["series"] == "short" and guardrail.details[0]["action"] == action
    assert guardrail.status == ("Alerted" if mode == "none" else "Done")
    if mode == "pad":
        padded = next(s for s in prepared.series if s.key == ("short",))
        assert len(padded) == prepared.spec.min_length and padded.n_padded == prepared.spec.min_length - 10
        assert (padded.y >= 0).all()


def test_unknown_holiday_country(panel):
    with pytest.raises(ConfigError, match="country_or_region_for_holidays 'XX'"):
        _prepare(panel, time_series_id_column_names=["store"], country_or_region_for_holidays="XX")


def test_unsupported_data_settings(panel):
    s = ForecastingSettings(time_column_name="date").normalized()
    with pytest.raises(ConfigError, match="validation_data_size is not supported for forecasting"):
        prepare_forecasting(DataSettings(training_data=panel, target_column_name="sales",
                                         validation_data_size=0.2), s)


def test_missing_time_setting_and_columns(panel):
    with pytest.raises(ConfigError, match="time_column_name is required"):
        prepare_forecasting(DataSettings(training_data=panel, target_column_name="sales"), ForecastingSettings())
    with pytest.raises(DataError, match="'dates' is not in training_data"):
        _prepare(panel, time_column_name="dates")


def test_auto_lags_and_windows_resolve_on_an_autoregressive_series():
    rng = np.random.default_rng(1)
    y = np.zeros(400)
    for t in range(2, 400):
        y[t] = 0.6 * y[t - 1] + 0.3 * y[t - 2] + rng.normal()
    frame = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=400, freq="D"), "sales": y})
    prepared = _prepare(frame, target_lags="auto", target_rolling_window_size="auto", forecast_horizon=7)
    assert prepared.spec.lags and prepared.spec.lags[0] == 1
    assert prepared.spec.uses_lags


def test_submit_raises_the_data_error(panel):
    import automl

    job = automl.forecasting(training_data=panel.drop(columns=["store", "price"]), target_column_name="sales",
                             tracking_uri=False)
    job.set_forecast_settings(time_column_name="date", forecast_horizon=3)
    with pytest.raises(DataError, match="Duplicate timestamps"):
        job.submit(show_progress=False)
