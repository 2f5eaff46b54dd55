"""Each bad input of the foundation issue raises its automl.errors type with a helpful message."""
import pandas as pd
import pytest

import automl
from automl.errors import AutoMLError, ConfigError, DataError


def _quick(job):
    job.set_limits(max_trials=1)
    job.set_training(allowed_training_algorithms=["DecisionTree"])
    return job


def test_unknown_metric_lists_valid_ones(small_classification_frame):
    with pytest.raises(ConfigError) as info:
        automl.classification(training_data=small_classification_frame, target_column_name="label",
                              primary_metric="AUC_weigthed")
    message = str(info.value)
    assert "primary_metric" in message and "AUC_weigthed" in message
    assert "AUC_weighted" in message and "norm_macro_recall" in message


def test_metric_names_accept_any_spelling(small_classification_frame):
    for spelling in ("auc_weighted", "AUCWeighted", "AUC_weighted"):
        job = automl.classification(training_data=small_classification_frame,
                                    target_column_name="label", primary_metric=spelling)
        assert job.primary_metric == "AUC_weighted"
    job = automl.regression(training_data="x.csv", target_column_name="y",
                            primary_metric="NormalizedRootMeanSquaredError")
    assert job.primary_metric == "normalized_root_mean_squared_error"


def test_default_metrics():
    assert automl.classification(training_data="a.csv", target_column_name="y").primary_metric == "accuracy"
    assert (automl.regression(training_data="a.csv", target_column_name="y").primary_metric
            == "normalized_root_mean_squared_error")


def test_unknown_algorithm_lists_valid_ones():
    job = automl.classification(training_data="a.csv", target_column_name="y")
    with pytest.raises(ConfigError) as info:
        job.set_training(allowed_training_algorithms=["LightGMB"])
    message = str(info.value)
    assert "allowed_training_algorithms" in message and "Did you mean 'LightGBM'" in message
    assert "XGBoostClassifier" in message


def test_algorithm_names_in_snake_case():
    job = automl.regression(training_data="a.csv", target_column_name="y")
    job.set_training(allowed_training_algorithms=["light_gbm", "xg_boost_regressor"])
    assert job.training.allowed_training_algorithms == ["LightGBM", "XGBoostRegressor"]


def test_allowed_and_blocked_leaving_nothing():
    job = automl.classification(training_data="a.csv", target_column_name="y")
    with pytest.raises(ConfigError, match="leave no classification algorithm"):
        job.set_training(allowed_training_algorithms=["LightGBM"], blocked_training_algorithms=["LightGBM"])


def test_n_cross_validations_below_two():
    with pytest.raises(ConfigError, match="n_cross_validations must be a whole number from 2"):
        automl.classification(training_data="a.csv", target_column_name="y", n_cross_validations=1)


@pytest.mark.parametrize("size", [0.0, 1.0, 1.5])
def test_validation_data_size_outside_unit_interval(size):
    with pytest.raises(ConfigError, match="validation_data_size"):
        automl.regression(training_data="a.csv", target_column_name="y", validation_data_size=size)


def test_validation_data_and_n_cross_validations():
    with pytest.raises(ConfigError, match="either validation_data or n_cross_validations"):
        automl.classification(training_data="a.csv", target_column_name="y",
                              validation_data="b.csv", n_cross_validations=3)


def test_missing_file_names_the_file(tmp_path):
    job = _quick(automl.classification(training_data=str(tmp_path / "nope.csv"), target_column_name="y"))
    with pytest.raises(DataError) as info:
        job.submit()
    assert "nope.csv" in str(info.value) and "training_data" in str(info.value)


def test_target_not_in_data_suggests_close_names(small_classification_frame):
    job = _quick(automl.classification(training_data=small_classification_frame,
                                       target_column_name="lable"))
    with pytest.raises(DataError) as info:
        job.submit()
    assert "'lable'" in str(info.value) and "Did you mean 'label'" in str(info.value)


def test_empty_data(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("x,label\n")
    job = _quick(automl.classification(training_data=str(path), target_column_name="label"))
    with pytest.raises(DataError, match="empty.csv"):
        job.submit()


def test_empty_dataframe():
    job = _quick(automl.classification(training_data=pd.DataFrame({"x": [], "label": []}),
                                       target_column_name="label"))
    with pytest.raises(DataError, match="training_data"):
        job.submit()


def test_single_class_target(small_classification_frame):
    frame = small_classification_frame.assign(label="yes")
    job = _quick(automl.classification(training_data=frame, target_column_name="label"))
    with pytest.raises(DataError, match="single class.*'yes'.*at least two"):
        job.submit()


def test_non_numeric_regression_target(small_classification_frame):
    job = automl.regression(training_data=small_classification_frame, target_column_name="label")
    job.set_limits(max_trials=1)
    with pytest.raises(DataError, match="numeric target.*'label'.*automl.classification"):
        job.submit()


def test_unknown_factory_argument():
    with pytest.raises(ConfigError, match="Unknown argument 'experiment'.*Did you mean 'experiment_name'"):
        automl.classification(training_data="a.csv", target_column_name="y", experiment="x")


def test_every_error_is_an_automl_error():
    assert issubclass(ConfigError, AutoMLError) and issubclass(DataError, AutoMLError)
