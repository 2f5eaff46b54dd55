"""Forecasting metrics: macro-averaged normalised errors, MASE, sMAPE, and the interval scales."""
from __future__ import annotations

import numpy as np
import pytest

from automl.timeseries._intervals import out_of_fold_standardised, residual_scales
from automl.timeseries._metrics import fold_scorer, mase_scale, score_folds, score_forecast


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



@pytest.mark.parametrize("name", ["normalized_root_mean_squared_error", "normalized_mean_absolute_error"])
def test_the_primary_metric_alone_equals_the_one_scored_with_the_others(name):
    """Three folds over five series: series 4 only in the last two folds, series 3 constant in
    training (no range), and some errors beyond the range (clipped to 1)."""
    rng = np.random.default_rng(0)
    series = np.concatenate([np.repeat(np.arange(4), 6), np.repeat(np.arange(5), 6), np.repeat(np.arange(5), 6)])
    folds = np.repeat([0, 1, 2], [24, 30, 30])
    y = rng.normal(10, 3, len(series))
    lo, hi = np.array([0.0, 5.0, -2.0, 7.0, 1.0]), np.array([20.0, 9.0, 40.0, 7.0, 3.0])
    alone = fold_scorer(name, y, series, folds, lo, hi)
    for spread in (0.0, 0.5, 5.0):
        pred = y + rng.normal(0, spread, len(y))
        pred[series == 3] = y[series == 3] if spread == 0.5 else pred[series == 3]
        expected = score_folds(y, pred, series, folds, lo, hi, np.ones(5))[name]
        assert alone(pred) == pytest.approx(expected, rel=1e-12)
    assert fold_scorer("r2_score", y, series, folds, lo, hi) is None

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


def _fresh_coverage(standardised: np.ndarray, sigma: np.ndarray, fresh: np.ndarray, level: float) -> float:
    z = np.quantile(np.abs(standardised[np.isfinite(standardised)]), level)
    return float(np.mean(np.abs(fresh) <= z * sigma))


def test_out_of_fold_standardised_errors_give_intervals_that_cover_new_errors():
    # 300 series with 3 back-test folds of 2 steps: six errors per series to estimate its scale.
    rng = np.random.default_rng(0)
    n_series, folds, horizon = 300, 3, 2
    true_scale = rng.uniform(1.0, 20.0, n_series)
    series = np.repeat(np.arange(n_series), folds * horizon)
    fold = np.tile(np.repeat(np.arange(folds), horizon), n_series)
    steps = np.tile(np.arange(1, horizon + 1), n_series * folds)
    errors = rng.normal(0.0, 1.0, series.size) * true_scale[series]
    sigma = residual_scales(errors, series, steps, n_series, horizon)[:, 0]
    fresh = rng.normal(0.0, 1.0, (20, n_series)) * true_scale  # the errors of 20 future periods
    out_of_fold = out_of_fold_standardised(errors, series, steps, fold, n_series, horizon)
    in_sample = errors / sigma[series]  # each error divided by a scale it helped to estimate
    for level in (0.8, 0.95):  # in-sample: 0.772 and 0.881; out of fold: 0.806 and 0.962
        assert _fresh_coverage(in_sample, sigma, fresh, level) < level - 0.015
        assert level - 0.01 <= _fresh_coverage(out_of_fold, sigma, fresh, level) <= level + 0.04


def test_out_of_fold_standardised_with_one_fold_uses_the_errors_own_scales():
    errors, series, steps = np.array([1.0, -3.0, 2.0, 2.0]), np.array([0, 0, 1, 1]), np.array([1, 2, 1, 2])
    standard = out_of_fold_standardised(errors, series, steps, np.zeros(4, dtype=int), 2, 2)
    sigma = residual_scales(errors, series, steps, 2, 2)
    np.testing.assert_allclose(standard, errors / sigma[series, steps - 1])
