"""Regression metrics against hand-computed values."""
from __future__ import annotations

import math

import numpy as np
import pytest

from automl.errors import DataError
from automl.metrics import REGRESSION_METRICS, score_regression

Y_TRUE = [1.0, 2.0, 3.0, 4.0]
Y_PRED = [1.0, 3.0, 3.0, 2.0]  # absolute errors 0, 1, 0, 2
TRAIN_RANGE = {"y_min": 0.0, "y_max": 10.0}  # training target range, wider than y_true's


@pytest.fixture
def scores():
    return score_regression(Y_TRUE, Y_PRED, **TRAIN_RANGE)


def test_errors_by_hand(scores):
    assert scores["mean_absolute_error"] == pytest.approx(3 / 4)
    assert scores["median_absolute_error"] == pytest.approx(0.5)  # median of 0, 0, 1, 2
    assert scores["root_mean_squared_error"] == pytest.approx(math.sqrt((1 + 4) / 4))
    assert scores["mean_absolute_percentage_error"] == pytest.approx((1 / 2 + 2 / 4) / 4)
    rmsle = math.sqrt((math.log(4 / 3) ** 2 + math.log(3 / 5) ** 2) / 4)
    assert scores["root_mean_squared_log_error"] == pytest.approx(rmsle)


def test_normalised_errors_use_training_range(scores):
    assert scores["normalized_mean_absolute_error"] == pytest.approx(0.75 / 10)  # not / 3
    assert scores["normalized_median_absolute_error"] == pytest.approx(0.5 / 10)
    assert scores["normalized_root_mean_squared_error"] == pytest.approx(math.sqrt(1.25) / 10)
    rmsle = scores["root_mean_squared_log_error"]
    assert scores["normalized_root_mean_squared_log_error"] == pytest.approx(rmsle / math.log(11))


def test_goodness_of_fit_by_hand(scores):
    # ss_res = 0 + 1 + 0 + 4 = 5; ss_tot around mean 2.5 = 2.25 + .25 + .25 + 2.25 = 5
    assert scores["r2_score"] == pytest.approx(0.0)
    # residuals 0, -1, 0, 2: variance 1.1875; variance of y 1.25
    assert scores["explained_variance"] == pytest.approx(1 - 1.1875 / 1.25)
    # ranks of y 1 2 3 4, of pred 1 3.5 3.5 2: cov 1.5, variances 5 and 4.5
    assert scores["spearman_correlation"] == pytest.approx(1.5 / math.sqrt(5 * 4.5))


def test_sample_weight_passed_through():
    s = score_regression(Y_TRUE, Y_PRED, **TRAIN_RANGE, sample_weight=[1, 1, 1, 3])
    assert s["mean_absolute_error"] == pytest.approx((0 + 1 + 0 + 3 * 2) / 6)


def test_normalised_errors_clip_at_one():
    s = score_regression([0.0, 10.0], [30.0, -20.0], **TRAIN_RANGE)  # MAE 30 over a range of 10
    assert s["mean_absolute_error"] == 30.0
    assert s["normalized_mean_absolute_error"] == 1.0
    assert s["normalized_root_mean_squared_error"] == 1.0


def test_constant_training_target_rule():
    exact = score_regression([5.0, 5.0], [5.0, 5.0], y_min=5.0, y_max=5.0)
    off = score_regression([5.0, 5.0], [5.0, 5.1], y_min=5.0, y_max=5.0)
    for name in ("normalized_mean_absolute_error", "normalized_root_mean_squared_error"):
        assert exact[name] == 0.0
        assert off[name] == 1.0


def test_r2_clipped_at_minus_one():
    s = score_regression([1.0, 2.0, 3.0], [10.0, -10.0, 10.0], **TRAIN_RANGE)
    assert s["r2_score"] == -1.0
    assert s["explained_variance"] < -1.0  # clipped above at 1 only


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_predictions_give_worst_values(bad):
    s = score_regression(Y_TRUE, [1.0, bad, 3.0, 4.0], **TRAIN_RANGE)
    assert s == {name: metric.worst for name, metric in REGRESSION_METRICS.items()}
    assert s["r2_score"] == -1.0
    assert s["normalized_root_mean_squared_error"] == 1.0
    assert s["mean_absolute_error"] == math.inf


def test_log_error_undefined_for_negative_values():
    s = score_regression([-1.0, 2.0], [1.0, 2.0], y_min=-1.0, y_max=2.0)
    assert math.isnan(s["root_mean_squared_log_error"])
    assert math.isnan(s["normalized_root_mean_squared_log_error"])
    assert math.isfinite(s["mean_absolute_error"])


def test_mape_undefined_with_zero_target():
    s = score_regression([0.0, 2.0], [1.0, 2.0], **TRAIN_RANGE)
    assert math.isnan(s["mean_absolute_percentage_error"])


def test_bad_inputs_are_data_errors():
    with pytest.raises(DataError, match="y_pred"):
        score_regression([1.0, 2.0], [1.0], **TRAIN_RANGE)
    with pytest.raises(DataError, match="y_min"):
        score_regression([1.0], [1.0], y_min=3.0, y_max=1.0)
    with pytest.raises(DataError, match="y_true"):
        score_regression([np.nan], [1.0], **TRAIN_RANGE)


def test_non_normalised_metric_computes_without_range():
    assert REGRESSION_METRICS["mean_absolute_error"].compute(Y_TRUE, Y_PRED) == pytest.approx(0.75)
    with pytest.raises(TypeError, match="y_min"):
        REGRESSION_METRICS["normalized_mean_absolute_error"].compute(Y_TRUE, Y_PRED)
