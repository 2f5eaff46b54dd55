"""automl.forecasting(...), set_forecast_settings and the forecasting algorithm registry."""
from __future__ import annotations

import importlib.util
import sys

import pytest

import automl
from automl.tasks import get_task
from automl.timeseries import FORECASTING
from automl.errors import ConfigError
from automl.settings import ForecastingSettings


def _job(**kwargs):
    return automl.forecasting(training_data="x.csv", target_column_name="y", **kwargs)


def test_factory_makes_a_forecasting_job_with_azure_defaults():
    job = _job()
    assert isinstance(job, automl.ForecastingJob)
    assert job.task == "forecasting" and job.primary_metric == "normalized_root_mean_squared_error"
    assert job.training.enable_stack_ensemble is False
    assert job.forecasting_settings.forecast_horizon == 1 and job.forecasting_settings.short_series_handling_config == "auto"


def test_settings_merge_and_normalise():
    job = _job(forecasting_settings={"time_column_name": "date", "forecast_horizon": 7})
    job.set_forecast_settings(time_series_id_column_names="store", target_lags=[3, 1, 1],
                              seasonality="AUTO", short_series_handling_config="Pad")
    s = job.forecasting_settings
    assert (s.time_column_name, s.forecast_horizon) == ("date", 7)
    assert s.time_series_id_column_names == ["store"] and s.target_lags == [1, 3]
    assert s.seasonality == "auto" and s.short_series_handling_config == "pad"
    assert s.lags_enabled


@pytest.mark.parametrize("changes, words", [
    ({"forecast_horizon": 0}, "forecast_horizon"),
    ({"target_lags": [0, 2]}, "target_lags"),
    ({"frequency": "fortnightly"}, "frequency"),
    ({"target_aggregate_function": "sum"}, "needs frequency"),
    ({"target_aggregate_function": "median", "frequency": "D"}, "target_aggregate_function"),
    ({"short_series_handling_config": "truncate"}, "short_series_handling_config"),
    ({"use_stl": "trend"}, "use_stl"),
    ({"cv_step_size": -1}, "cv_step_size"),
    ({"seasonality": 0}, "seasonality"),
])
def test_bad_settings_are_config_errors(changes, words):
    with pytest.raises(ConfigError, match=words):
        _job().set_forecast_settings(**changes)


def test_onnx_mode_is_refused_and_stack_warns():
    job = _job()
    with pytest.raises(ConfigError, match="ONNX"):
        job.set_training(enable_onnx_compatible_models=True)
    with pytest.warns(UserWarning, match="StackEnsemble"):
        job.set_training(enable_stack_ensemble=True)
    assert job.training.enable_stack_ensemble is False


def test_registry_has_classical_models_and_every_regression_learner():
    names = get_task("forecasting").algorithms.names()
    for name in ("Naive", "SeasonalNaive", "Average", "SeasonalAverage", "ExponentialSmoothing", "AutoArima",
                 "Arimax", "Prophet", "LightGBM", "ElasticNet", "XGBoostRegressor"):
        assert name in names
    assert FORECASTING["seasonal_naive"].display_name == "SeasonalNaive"
    assert FORECASTING["light_gbm"].display_name == "MaxAbsScaler LightGBM"


def test_lags_block_the_classical_models_as_in_azure():
    with_lags = [a.name for a in FORECASTING.select_for(None, None, lags=True)]
    assert not {"AutoArima", "ExponentialSmoothing", "Prophet"} & set(with_lags)
    assert "LightGBM" in with_lags
    with pytest.raises(ConfigError, match="block"):
        FORECASTING.select_for(["AutoArima", "ExponentialSmoothing"], None, lags=True)


def test_prophet_without_the_extra_is_a_clear_error(monkeypatch):
    assert FORECASTING["Prophet"].available  # the test extra installs prophet
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "prophet" else real_find_spec(name, *args))
    assert not FORECASTING["Prophet"].available
    assert "Prophet" not in [a.name for a in FORECASTING.select_for(None, None, lags=False)]
    with pytest.raises(ConfigError, match=r"automl-studio\[prophet\]"):
        FORECASTING.select_for(["Prophet"], None, lags=False)
    monkeypatch.setitem(sys.modules, "prophet", None)  # import prophet now raises ImportError
    with pytest.raises(ConfigError, match=r"Prophet needs the 'prophet' package.*automl-studio\[prophet\]"):
        FORECASTING["Prophet"].make_estimator({}).fit([], None)


def test_settings_dataclass_validates_itself_without_changing_itself():
    settings = ForecastingSettings(time_column_name="t", forecast_horizon="Auto", cv_step_size="Auto")
    settings.validate()  # "Auto" is valid ...
    assert settings.forecast_horizon == "Auto" and settings.cv_step_size == "Auto"  # ... and left as given
    canonical = settings.normalized()
    assert canonical.forecast_horizon == "auto" and canonical.cv_step_size == "auto"
    assert settings.forecast_horizon == "Auto"
