"""Forecasting metrics: macro-averaged normalised errors, MASE, sMAPE, and the interval scales."""
from __future__ import annotations

import numpy as np
import pytest

from automl.timeseries._intervals import residual_scales
from automl.timeseries._metrics import mase_scale, score_folds, score_forecast


def test_normalised_metrics_are_macro_averaged_over_series():
    y = np.array([0.0, 10.0, 0.0, 1000.0])
    pred = np.array([1.0, 11.0, 10.0, 1010.0])
    series = np.array([0, 0, 1, 1])
    lo, hi = np.array([0.0, 0.0]), np.array([10.0, 1000.0])
    scores = score_forecast(y, pred, series, lo, hi, np.array([1.0, 1.0]))
    # series 0: RMSE 1 / range 10 = 0.1; series 1: RMSE 10 / range 1000 = 0.01 -> mean 0.055
    assert scores["normalized_root_mean_squared_error"] == pytest.approx(0.055)
    # the non-normalised RMSE is micro: over all four points
    assert scores["root_mean_squared_error"] == pytest.approx(np.sqrt((1 + 1 + 100 + 100) / 4))


def test_mase_and_smape():
    history = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    assert mase_scale(history, 1) == pytest.approx(1.0)
    assert mase_scale(history, 2) == pytest.approx(2.0)
    scores = score_forecast(np.array([6.0, 8.0]), np.array([7.0, 8.0]), np.array([0, 0]), np.array([1.0]),
                            np.array([5.0]), np.array([2.0]))
    assert scores["mean_absolute_scaled_error"] == pytest.approx(0.25)
    assert scores["symmetric_mean_absolute_percentage_error"] == pytest.approx(100 * (2 / 13) / 2)


def test_non_finite_forecasts_score_worst():
    scores = score_forecast(np.array([1.0, 2.0]), np.array([np.nan, 2.0]), np.array([0, 0]), np.array([0.0]),
                            np.array([2.0]), np.array([1.0]))
    assert scores["normalized_root_mean_squared_error"] == 1.0
    assert scores["mean_absolute_scaled_error"] == np.inf


def test_scores_are_averaged_over_folds():
    y, pred = np.array([1.0, 1.0, 1.0, 1.0]), np.array([1.0, 1.0, 2.0, 2.0])
    folds, series = np.array([0, 0, 1, 1]), np.zeros(4, dtype=int)
    scores = score_folds(y, pred, series, folds, np.array([0.0]), np.array([10.0]), np.array([1.0]))
    assert scores["normalized_mean_absolute_error"] == pytest.approx(0.05)


def test_residual_scales_per_series_and_growing_steps():
    rng = np.random.default_rng(0)
    steps = np.tile(np.arange(1, 7), 400)
    series = np.repeat([0, 1], steps.size // 2)
    errors = rng.normal(0, 1, steps.size) * np.sqrt(steps) * np.where(series == 1, 10.0, 1.0)
    sigma = residual_scales(errors, series, steps, 3, 6)
    assert sigma.shape == (3, 6)
    assert sigma[1, 0] / sigma[0, 0] == pytest.approx(10.0, rel=0.15)
    assert sigma[0, 5] / sigma[0, 0] == pytest.approx(np.sqrt(6), rel=0.3)
    assert np.all(np.diff(sigma[0]) >= 0)
    assert sigma[2, 0] == pytest.approx((sigma[0, 0] + sigma[1, 0]) / 2)  # no errors: the median scale
