"""Metric tables, name resolution (through each task's table), primary metrics, comparison, averaging."""
from __future__ import annotations

import math

import numpy as np
import pytest

from automl import metrics
from automl.errors import ConfigError
from automl.metrics import CLASSIFICATION_METRICS, REGRESSION_METRICS, average_scores
from automl.tasks import TASKS, get_task


def get_metric(name, task):
    return get_task(task).metric(name)


def metrics_for_task(task):
    return get_task(task).metrics


def resolve_primary_metric(name, task):
    return get_task(task).resolve_primary_metric(name, TASKS)


def is_better(name, task, a, b):
    return metrics.is_better(get_metric(name, task), a, b)


def sort_key(name, task):
    return metrics.sort_key(get_metric(name, task))


def score(task, y_true, prediction, **kwargs):
    """Scoring reads the kind of prediction from its arguments: ``classes`` mean probabilities."""
    return metrics.score(y_true, prediction, **kwargs)

MINIMISED = {
    "log_loss",
    "mean_absolute_error",
    "median_absolute_error",
    "root_mean_squared_error",
    "root_mean_squared_log_error",
    "mean_absolute_percentage_error",
    "normalized_mean_absolute_error",
    "normalized_median_absolute_error",
    "normalized_root_mean_squared_error",
    "normalized_root_mean_squared_log_error",
}
CLASSIFICATION_PRIMARY = {
    "AUC_weighted", "accuracy", "norm_macro_recall",
    "average_precision_score_weighted", "precision_score_weighted",
}
REGRESSION_PRIMARY = {
    "spearman_correlation", "normalized_root_mean_squared_error",
    "r2_score", "normalized_mean_absolute_error",
}


# tables --------------------------------------------------------------------------------------

def test_tables_hold_every_azure_metric():
    assert len(CLASSIFICATION_METRICS) == 26
    assert len(REGRESSION_METRICS) == 12
    assert all(m.task == "classification" for m in CLASSIFICATION_METRICS.values())
    assert all(m.task == "regression" for m in REGRESSION_METRICS.values())
    every = {**CLASSIFICATION_METRICS, **REGRESSION_METRICS}
    assert all(name == m.name for name, m in every.items())


def test_greater_is_better_false_exactly_for_log_loss_and_errors():
    every = {**CLASSIFICATION_METRICS, **REGRESSION_METRICS}
    assert {name for name, m in every.items() if not m.greater_is_better} == MINIMISED


def test_primary_flags_match_azure_enums():
    assert {n for n, m in CLASSIFICATION_METRICS.items() if m.primary} == CLASSIFICATION_PRIMARY
    assert {n for n, m in REGRESSION_METRICS.items() if m.primary} == REGRESSION_PRIMARY


def test_every_metric_finite_on_random_data_and_not_worse_than_worst():
    rng = np.random.default_rng(42)
    y = rng.choice(["x", "y", "z"], 90)
    proba = rng.dirichlet([2, 2, 2], 90)
    proba[np.arange(90), np.searchsorted(["x", "y", "z"], y)] += 0.5  # better than chance
    cls = score("classification", y, proba, classes=["x", "y", "z"], positive_label="z")
    target = rng.uniform(1, 50, 80)
    reg = score("regression", target, target * rng.uniform(0.7, 1.3, 80), y_min=0.5, y_max=60.0)
    assert set(cls) == set(CLASSIFICATION_METRICS) and set(reg) == set(REGRESSION_METRICS)
    for task, scores in (("classification", cls), ("regression", reg)):
        for name, value in scores.items():
            assert isinstance(value, float) and math.isfinite(value), name
            worst = get_metric(name, task).worst
            assert value == worst or is_better(name, task, value, worst), name


# names ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["AUCWeighted", "auc_weighted", "AUC_weighted", "AucWeighted"])
def test_get_metric_accepts_camel_and_snake(spelling):
    assert get_metric(spelling, "classification").name == "AUC_weighted"


def test_get_metric_regression_and_forecasting():
    metric = get_metric("NormalizedRootMeanSquaredError", "regression")
    assert metric.name == "normalized_root_mean_squared_error"
    assert get_metric("r2Score", "forecasting").name == "r2_score"
    assert metrics_for_task("Forecasting") is REGRESSION_METRICS


def test_get_metric_unknown_lists_valid_names():
    with pytest.raises(ConfigError) as err:
        get_metric("acuracy", "classification")
    message = str(err.value)
    assert "'acuracy'" in message and "Did you mean 'accuracy'" in message
    assert all(name in message for name in CLASSIFICATION_METRICS)


def test_unknown_task_is_a_config_error():
    with pytest.raises(ConfigError, match="task"):
        metrics_for_task("clustering")


# primary metric ------------------------------------------------------------------------------

def test_primary_metric_defaults():
    assert resolve_primary_metric(None, "classification") == "accuracy"
    assert resolve_primary_metric(None, "regression") == "normalized_root_mean_squared_error"


@pytest.mark.parametrize(
    ("spelling", "task", "canonical"),
    [
        ("AUCWeighted", "classification", "AUC_weighted"),
        ("auc_weighted", "classification", "AUC_weighted"),
        ("NormMacroRecall", "classification", "norm_macro_recall"),
        ("NormalizedRootMeanSquaredError", "regression", "normalized_root_mean_squared_error"),
        ("spearman_correlation", "forecasting", "spearman_correlation"),
    ],
)
def test_primary_metric_spellings(spelling, task, canonical):
    assert resolve_primary_metric(spelling, task) == canonical


def test_non_primary_metric_rejected_as_primary():
    with pytest.raises(ConfigError) as err:
        resolve_primary_metric("log_loss", "classification")
    message = str(err.value)
    assert message.startswith("primary_metric:") and "'log_loss'" in message
    assert all(name in message for name in CLASSIFICATION_PRIMARY)


def test_unknown_primary_metric_suggests_and_lists_valid():
    with pytest.raises(ConfigError) as err:
        resolve_primary_metric("r2_scor", "regression")
    message = str(err.value)
    assert "primary_metric" in message and "'r2_scor'" in message
    assert "Did you mean 'r2_score'" in message
    assert all(name in message for name in REGRESSION_PRIMARY)


def test_metric_of_the_other_task_rejected_as_primary():
    with pytest.raises(ConfigError, match="regression metric"):
        resolve_primary_metric("r2_score", "classification")


# comparison ----------------------------------------------------------------------------------

def test_is_better_follows_direction_and_nan():
    assert is_better("accuracy", "classification", 0.9, 0.8)
    assert not is_better("accuracy", "classification", 0.8, 0.8)
    assert is_better("log_loss", "classification", 0.2, 0.3)
    assert is_better("NormalizedRootMeanSquaredError", "regression", 0.1, 0.2)
    assert not is_better("r2_score", "regression", math.nan, -1.0)
    assert is_better("r2_score", "regression", -1.0, math.nan)
    assert not is_better("r2_score", "regression", math.nan, math.nan)


def test_sort_key_best_first_nan_last():
    nan = math.nan
    maxed = sorted([0.2, nan, 0.9, 0.5], key=sort_key("AUC_weighted", "classification"))
    assert maxed[:3] == [0.9, 0.5, 0.2] and math.isnan(maxed[3])
    mined = sorted([nan, math.inf, 0.3, 0.1], key=sort_key("log_loss", "classification"))
    assert mined[:3] == [0.1, 0.3, math.inf] and math.isnan(mined[3])


# averaging and dispatch ----------------------------------------------------------------------

def test_average_scores_ignores_nan_and_unions_keys():
    folds = [
        {"accuracy": 0.8, "AUC_macro": math.nan, "AUC_binary": 0.6},
        {"accuracy": 0.6, "AUC_macro": math.nan},
        {"accuracy": math.nan, "AUC_macro": math.nan, "AUC_binary": 0.8},
    ]
    mean = average_scores(folds)
    assert mean["accuracy"] == pytest.approx(0.7)
    assert math.isnan(mean["AUC_macro"])
    assert mean["AUC_binary"] == pytest.approx(0.7)
    assert list(mean) == ["accuracy", "AUC_macro", "AUC_binary"]
    assert average_scores([]) == {}


def test_score_dispatches_and_requires_task_arguments():
    assert score("regression", [1.0, 2.0], [1.0, 2.0], y_min=0, y_max=4)["r2_score"] == 1.0
    assert score("classification", [0, 1], [[1, 0], [0, 1]], classes=[0, 1])["accuracy"] == 1.0
    with pytest.raises(TypeError, match="classes"):
        score("classification", [0, 1], [[1, 0], [0, 1]])
    with pytest.raises(TypeError, match="y_min"):
        score("forecasting", [1.0], [1.0])
