import os

import pytest

from automl.errors import ConfigError
from automl.settings import DataSettings, LimitSettings, TrainingSettings, merge


def test_merge_keeps_values_left_none():
    limits = merge(LimitSettings(), max_trials=8, timeout_minutes=5)
    limits = merge(limits, max_trials=None, exit_score=0.9)
    assert (limits.max_trials, limits.timeout_minutes, limits.exit_score) == (8, 5, 0.9)


def test_limit_defaults_follow_the_documented_choices():
    limits = LimitSettings()
    assert limits.max_trials == 1000
    assert limits.max_concurrent_trials is None  # the machine's cores
    assert limits.concurrent_trials() == min(os.cpu_count(), 1000)
    assert merge(limits, max_trials=1).concurrent_trials() == 1
    assert limits.enable_early_termination is True
    assert limits.timeout_minutes == 60 and limits.trial_timeout_minutes == 30


@pytest.mark.parametrize("value", [1, 0, -3, 1.5, True])
def test_n_cross_validations_below_two_is_rejected(value):
    with pytest.raises(ConfigError, match="n_cross_validations"):
        merge(DataSettings(), n_cross_validations=value)


@pytest.mark.parametrize("value", [0, 1, 1.2, -0.1])
def test_validation_data_size_outside_open_unit_interval(value):
    with pytest.raises(ConfigError, match=r"validation_data_size must be a fraction strictly between 0 and 1"):
        merge(DataSettings(), validation_data_size=value)


def test_validation_data_with_n_cross_validations_is_rejected():
    with pytest.raises(ConfigError, match="either validation_data or n_cross_validations"):
        merge(DataSettings(), validation_data="valid.csv", n_cross_validations=5)


def test_monte_carlo_combination_is_allowed():
    settings = merge(DataSettings(), validation_data_size=0.2, n_cross_validations=4)
    assert settings.n_cross_validations == 4


def test_unknown_setting_names_the_setting():
    with pytest.raises(ConfigError, match="max_trails.*Did you mean 'max_trials'"):
        merge(LimitSettings(), max_trails=3)


@pytest.mark.parametrize("field,value", [("max_trials", 0), ("timeout_minutes", -1),
                                         ("max_cores_per_trial", 0), ("max_concurrent_trials", 2.5)])
def test_limits_out_of_range(field, value):
    with pytest.raises(ConfigError, match=field):
        merge(LimitSettings(), **{field: value})


def test_training_rejects_dnn():
    with pytest.raises(ConfigError, match="enable_dnn_training"):
        merge(TrainingSettings(), enable_dnn_training=True)


def test_more_concurrent_trials_than_trials_is_rejected():
    with pytest.raises(ConfigError, match=r"max_concurrent_trials \(4\) is above max_trials \(2\)"):
        merge(LimitSettings(), max_trials=2, max_concurrent_trials=4)


def test_cores_are_divided_among_concurrent_trials():
    limits = merge(LimitSettings(), max_concurrent_trials=2)
    assert limits.cores_per_trial() == max(1, (os.cpu_count() or 1) // 2)
    assert merge(limits, max_cores_per_trial=1).cores_per_trial() == 1
