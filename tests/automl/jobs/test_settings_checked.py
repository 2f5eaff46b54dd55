"""Settings are checked once, by the setter that takes them, and again by submit() before any data is read."""
from __future__ import annotations

import copy
import inspect
import warnings
from dataclasses import fields

import pytest

import automl
from automl.errors import ConfigError
from automl.jobs import FACTORIES
from automl.jobs._yaml import TOP_LEVEL_KEYS
from automl.settings import (
    DATA_SETTINGS,
    DataSettings,
    FeaturizationSettings,
    ForecastingSettings,
    LimitSettings,
    TrainingSettings,
)

MISSING = "no/such/folder/train.csv"  # reading it would be a DataError: a ConfigError must come first


def _job(task: str = "classification", **kwargs):
    return FACTORIES[task](training_data=MISSING, target_column_name="y", **kwargs)


@pytest.mark.parametrize("settings, match", [
    ({"stack_meta_learner_type": "ElasticNet"}, "not a classification meta learner"),
    ({"stack_meta_learner_kwargs": {"no_such_parameter": 1}}, "stack_meta_learner_kwargs do not fit"),
    ({"stack_meta_learner_train_percentage": 1.5}, "stack_meta_learner_train_percentage"),
])
def test_stack_ensemble_settings_are_refused_by_set_training(settings, match):
    with pytest.raises(ConfigError, match=match):
        _job().set_training(stack_ensemble_settings=settings)


@pytest.mark.parametrize("changes, match", [
    ({"blocked_transformers": ["NoSuchEncoder"]}, "blocked_transformers: 'NoSuchEncoder' is not a known transformer"),
    ({"column_name_and_types": {"zip": "Postcode"}}, r"column_name_and_types\['zip'\] = 'Postcode'"),
    ({"transformer_params": {"imputer": [{"fields": ["a"], "parameters": {"strategy": "mode"}}]}}, "strategy"),
    ({"mode": "manual"}, "featurization mode"),
])
def test_featurization_settings_are_refused_by_set_featurization(changes, match):
    with pytest.raises(ConfigError, match=match):
        _job().set_featurization(**changes)


@pytest.mark.parametrize("changes, match", [
    ({"country_or_region_for_holidays": "XX"}, "country_or_region_for_holidays 'XX'"),
    ({"time_column_name": "store", "time_series_id_column_names": ["store"]}, "is the time column"),
])
def test_forecast_settings_are_refused_by_set_forecast_settings(changes, match):
    with pytest.raises(ConfigError, match=match):
        _job("forecasting").set_forecast_settings(**changes)


@pytest.mark.parametrize("task, setup, match", [
    ("classification", lambda job: setattr(job.limits, "max_trials", 0), "max_trials"),
    ("classification", lambda job: setattr(job.featurization, "mode", "manual"), "featurization mode"),
    ("classification", lambda job: setattr(job.training.stack_ensemble_settings, "stack_meta_learner_type",
                                           "LinearRegression"), "not a classification meta learner"),
    ("regression", lambda job: setattr(job.data, "target_column_name", None), "target_column_name is required"),
    ("forecasting", lambda job: job.set_data(validation_data_size=0.2), "validation_data_size is not supported"),
    ("forecasting", lambda job: None, "time_column_name is required"),
])
def test_submit_checks_every_setting_before_reading_data(task, setup, match):
    job = _job(task)
    if task == "forecasting" and match != "time_column_name is required":
        job.set_forecast_settings(time_column_name="date")
    setup(job)  # set past the setters, as a user may do with the dataclasses
    with pytest.raises(ConfigError, match=match):
        job.submit(show_progress=False)


@pytest.mark.parametrize("settings", [
    DataSettings(n_cross_validations="Auto", cv_split_column_names=("a", "b")),
    TrainingSettings(training_mode="NonDistributed", stack_ensemble_settings={"stack_meta_learner_type": "x"}),
    FeaturizationSettings(mode="AUTO", blocked_transformers="OneHotEncoder"),
    ForecastingSettings(time_column_name="t", forecast_horizon="Auto", target_lags=[3, 1, 1], seasonality="AUTO",
                        time_series_id_column_names="store", short_series_handling_config="Pad"),
])
def test_validate_never_changes_what_it_checks(settings):
    before = copy.deepcopy(settings)
    try:
        settings.validate()
    except ConfigError:
        pass  # not every canonical form is valid as written: what matters is that nothing changed
    assert settings == before
    assert settings.normalized() != before  # the spellings above have a canonical form ...
    assert settings == before  # ... which is a copy


def test_limits_have_one_spelling_and_validate_without_change():
    limits = LimitSettings(timeout_minutes=5, max_trials=3)
    limits.validate()
    assert limits.normalized() == limits == LimitSettings(timeout_minutes=5, max_trials=3)


def test_training_mode_distributed_refuses_what_it_cannot_do_before_reading_data():
    forecasting = _job("forecasting")
    forecasting.set_forecast_settings(time_column_name="date")
    with pytest.raises(ConfigError, match=r"training_mode='distributed' is not available for forecasting jobs"):
        forecasting.set_training(training_mode="distributed")
    with pytest.raises(ConfigError, match=r"trains LightGBM, XGBoostClassifier only; allowed_training_algorithms names "
                                         r"RandomForest"):
        _job().set_training(training_mode="distributed", allowed_training_algorithms=["LightGBM", "RandomForest"])
    with pytest.raises(ConfigError, match=r"blocks them all"):
        _job("regression").set_training(training_mode="Distributed",
                                        blocked_training_algorithms=["LightGBM", "XGBoostRegressor"])
    job = _job()
    job.set_training(training_mode="distributed")
    with pytest.raises(ConfigError, match=r"trains on a Dask cluster: submit\(compute='dask://host:port'\)"):
        job.submit(show_progress=False)
    _job().set_training(training_mode="non_distributed")


@pytest.mark.parametrize("setter, changes, match", [
    ("set_training", {"ensemble_model_download_timeout": 10}, "ensemble_model_download_timeout has no effect"),
    ("set_featurization", {"dataset_language": "deu"}, "dataset_language='deu' has no effect"),
    ("set_featurization", {"blocked_transformers": ["WoETargetEncoder", "TfIdf"]},
     "blocking WoETargetEncoder changes nothing"),
])
def test_settings_that_do_nothing_here_say_so(setter, changes, match):
    with pytest.warns(UserWarning, match=match):
        getattr(_job(), setter)(**changes)


def test_settings_that_matter_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        job = _job()
        job.set_limits(max_nodes=4, timeout_minutes=5)
        job.set_featurization(blocked_transformers=["TfIdf"])
        job.set_training(training_mode="auto")


def test_data_setting_names_are_declared_once_and_read_everywhere():
    assert DATA_SETTINGS == tuple(f.name for f in fields(DataSettings))
    set_data = [p for p in inspect.signature(automl.ClassificationJob.set_data).parameters if p != "self"]
    assert set_data == list(DATA_SETTINGS)
    for factory in FACTORIES.values():
        parameters = list(inspect.signature(factory).parameters)
        assert [p for p in parameters if p in DATA_SETTINGS] == list(DATA_SETTINGS), factory.__name__
    assert set(DATA_SETTINGS) <= set(TOP_LEVEL_KEYS)


def test_forecasting_is_a_plain_function_with_azures_signature():
    assert inspect.isfunction(automl.forecasting)
    parameters = inspect.signature(automl.forecasting).parameters
    assert list(parameters)[:2] == ["training_data", "target_column_name"]
    assert {"primary_metric", "enable_model_explainability", *DATA_SETTINGS, "forecasting_settings"} <= set(parameters)
    job = automl.forecasting(training_data=MISSING, target_column_name="y",
                             forecasting_settings=ForecastingSettings(time_column_name="t", forecast_horizon=3))
    assert job.forecasting_settings.forecast_horizon == 3 and not hasattr(job, "forecasting")
