"""Forecast quantiles cover held-out points about as often as they say, for a vote too."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import automl

from .conftest import monthly_panel

HORIZON = 6


@pytest.fixture(scope="module")
def held_out(tmp_path_factory):
    """40 monthly series, the last horizon of each held out, and a job whose best model is its vote.

    Sales follow the known price too, which ElasticNet reads and ExponentialSmoothing cannot: the
    vote of the two beats both (validation NRMSE about 0.023 against 0.028 and 0.036). Without the
    price, ExponentialSmoothing alone is as good as any vote, and which of two equal scores comes
    first is no promise."""
    panel = monthly_panel(n_series=40, length=72, seed=3)
    panel["sales"] += 3.0 * (panel["price"] - 10.0)
    last = panel.groupby("store")["date"].transform("max")
    cut = last - pd.DateOffset(months=HORIZON)
    train, test = panel[panel["date"] <= cut], panel[panel["date"] > cut]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("job"))
        patch.setenv("AUTOML_TRACKING", "off")
        job = automl.forecasting(training_data=train, target_column_name="sales")
        job.set_forecast_settings(time_column_name="date", forecast_horizon=HORIZON,
                                  time_series_id_column_names=["store"])
        job.set_limits(max_trials=4, max_concurrent_trials=1, timeout_minutes=4)
        job.set_training(allowed_training_algorithms=["SeasonalNaive", "ExponentialSmoothing", "ElasticNet"],
                         enable_model_explainability=False)
        result = job.submit(show_progress=False)
    return result, test.reset_index(drop=True)


def _coverage(result, test, low: float, high: float) -> float:
    bands = result.best_model.forecast_quantiles(test[["date", "store", "price"]], quantiles=[low, high])
    actual = test["sales"].to_numpy()
    return float(np.mean((bands[low].to_numpy() <= actual) & (actual <= bands[high].to_numpy())))


def test_the_best_model_is_the_vote_and_its_quantiles_are_ordered(held_out):
    result, test = held_out
    assert result.best_trial.algorithm == "VotingEnsemble", result.leaderboard
    bands = result.best_model.forecast_quantiles(test[["date", "store", "price"]], quantiles=[0.1, 0.5, 0.9])
    assert len(bands) == len(test)
    assert (bands[0.1] < bands[0.5]).all() and (bands[0.5] < bands[0.9]).all()


def test_the_80_percent_interval_covers_65_to_95_percent_of_held_out_points(held_out):
    coverage = _coverage(*held_out, 0.1, 0.9)
    assert 0.65 <= coverage <= 0.95, coverage


def test_the_95_percent_interval_covers_85_percent_or_more_but_not_every_point(held_out):
    coverage = _coverage(*held_out, 0.025, 0.975)
    assert 0.85 <= coverage < 1.0, coverage  # 240 points: a calibrated 95% band misses some
