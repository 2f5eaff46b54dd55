"""The job API on small frames: setters, the trial loop, the result."""
import numpy as np

import automl
from automl.core import FAILED


def test_setters_are_merge_style():
    job = automl.classification(training_data="a.csv", target_column_name="y", n_cross_validations=4)
    job.set_limits(max_trials=5, timeout_minutes=3)
    job.set_limits(exit_score=0.99)
    assert (job.limits.max_trials, job.limits.timeout_minutes, job.limits.exit_score) == (5, 3, 0.99)
    job.set_data(validation_data_size=0.2)
    assert job.data.n_cross_validations == 4 and job.data.target_column_name == "y"
    job.set_featurization(column_name_and_types={"x": "Categorical"})
    job.set_featurization(blocked_transformers=["LabelEncoder"])
    assert job.featurization.column_name_and_types == {"x": "Categorical"}


def test_set_training_overwrites_algorithm_lists_even_with_none():
    job = automl.classification(training_data="a.csv", target_column_name="y")
    job.set_training(blocked_training_algorithms=["KNN"])
    job.set_training(enable_vote_ensemble=False)
    assert job.training.blocked_training_algorithms is None
    assert job.training.enable_vote_ensemble is False


def test_classification_job_end_to_end_on_a_small_frame(small_classification_frame):
    job = automl.classification(training_data=small_classification_frame, target_column_name="label",
                                primary_metric="AUC_weighted", name="small_job", positive_label="yes",
                                log_verbosity="warning")
    job.set_limits(max_trials=3)
    result = job.submit()
    assert result.status == "Completed"
    assert [t.name for t in result.trials] == ["small_job_0", "small_job_1", "small_job_2"]
    board = result.leaderboard
    assert list(board.columns[:4]) == ["name", "algorithm", "status", "AUC_weighted"]
    assert board["AUC_weighted"].is_monotonic_decreasing
    assert board.loc[0, "algorithm"] == result.best_trial.display_name
    assert "AUC_binary" in result.metrics  # positive label known
    assert set(result.best_model.predict(small_classification_frame.drop(columns="label"))) <= {"yes", "no"}
    assert result.best_model.steps[0][0] == "datatransformer"
    assert result.validation["method"] == "cross_validation" and result.validation["n_folds"] == 10


def test_failed_trials_are_recorded_and_the_job_goes_on(small_regression_frame):
    from automl.testing import registered_test_algorithm

    with registered_test_algorithm("regression", "BrokenLearner", "raise"):
        job = automl.regression(training_data=small_regression_frame, target_column_name="y",
                                log_verbosity="error")
        job.set_training(allowed_training_algorithms=["BrokenLearner", "DecisionTree"])
        job.set_limits(max_trials=2, max_concurrent_trials=1)
        result = job.submit()
    statuses = {t.algorithm: t.status for t in result.trials}
    assert statuses["BrokenLearner"] == FAILED and "failed on purpose" in result.trials[0].error
    assert result.best_trial.algorithm == "DecisionTree"
    assert result.leaderboard.iloc[-1]["status"] == FAILED


def test_rows_without_target_are_dropped_and_counted(small_regression_frame):
    frame = small_regression_frame.copy()
    frame.loc[:9, "y"] = np.nan
    job = automl.regression(training_data=frame, target_column_name="y", log_verbosity="error")
    job.set_limits(max_trials=1)
    result = job.submit()
    assert result.dropped_target_rows == 10 and result.data_shape[0] == 140


def test_test_data_size_scores_the_best_model(small_regression_frame):
    job = automl.regression(training_data=small_regression_frame, target_column_name="y",
                            test_data_size=0.2, primary_metric="r2_score", log_verbosity="error")
    job.set_limits(max_trials=2)
    result = job.submit()
    assert result.data_shape[0] == 120
    assert result.test_metrics is not None and result.test_metrics["r2_score"] > 0.5


def test_weights_and_explicit_validation_data(small_classification_frame):
    frame = small_classification_frame.assign(w=1.0)
    train, valid = frame.iloc[:90], frame.iloc[90:]
    job = automl.classification(training_data=train, validation_data=valid, target_column_name="label",
                                weight_column_name="w", log_verbosity="error")
    job.set_limits(max_trials=2)
    result = job.submit()
    assert result.validation["method"] == "validation_data"
    assert "w" not in result.featurization_summary["RawFeatureName"].tolist()
    assert all(t.algorithm != "KNN" for t in result.trials)  # KNN takes no weights


def test_exit_score_ends_the_search(small_classification_frame):
    job = automl.classification(training_data=small_classification_frame, target_column_name="label",
                                log_verbosity="error")
    job.set_limits(max_trials=10, exit_score=0.5, max_concurrent_trials=1)
    result = job.submit()
    assert len(result.trials) == 1 and "exit_score" in result.stop_reason


def test_featurize_returns_the_engineered_frame(small_classification_frame):
    job = automl.classification(training_data=small_classification_frame, target_column_name="label",
                                log_verbosity="error")
    job.set_limits(max_trials=1)
    result = job.submit()
    raw = small_classification_frame.drop(columns="label").head(5)
    engineered = result.featurize(raw)
    assert list(engineered.columns) == result.engineered_feature_names
    assert engineered.shape == (5, len(result.engineered_feature_names))
    assert list(engineered.columns) == ["x", "colour_blue", "colour_green", "colour_red"]  # one-hot colours
    np.testing.assert_array_equal(engineered["colour_red"], (raw["colour"] == "red").astype(float))
