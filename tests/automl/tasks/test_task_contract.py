"""Every task of the registry honours the same contract: a small real job end to end.

Parametrized over :data:`automl.tasks.TASKS`: a task added to the registry is run here
too. Each job runs the one engine (setup, search, ensembles, refit, test scoring,
explanation) on a small real dataset; its result and its fitted model are checked against
what the task declares.
"""
from __future__ import annotations

import io
import pickle

import numpy as np
import pandas as pd
import pytest

import automl
from automl.ensembles import STACK, VOTING
from automl.jobs import FACTORIES, JOB_CLASSES
from automl.settings import TrainingSettings
from automl.tasks import TASKS, Task, get_task

#: The packages whose classes a fitted model may hold: the model side.
MODEL_SIDE = ("featurizers", "automl.algorithms", "automl.ensembles", "automl.timeseries")


def _classification(data_dir):
    frame = pd.read_csv(data_dir / "titanic.csv")
    return frame.iloc[:600], frame.iloc[600:], "Survived", {}


def _regression(data_dir):
    frame = pd.read_csv(data_dir / "diamonds.csv.gz").sample(900, random_state=0).reset_index(drop=True)
    return frame.iloc[:700], frame.iloc[700:], "price", {}


def _forecasting(data_dir):
    frame = pd.read_csv(data_dir / "airline_passengers.csv")
    return frame.iloc[:-12], frame.iloc[-12:], "Passengers", {
        "forecasting_settings": {"time_column_name": "Month", "forecast_horizon": 12}}


#: A small real job of each task: training rows, held-out rows, target, task-specific arguments.
SMALL_JOBS = {"classification": _classification, "regression": _regression, "forecasting": _forecasting}
#: Two learners of each task's table, so that its ensembles run and its best model is explained.
LEARNERS = {"classification": ["LightGBM", "LogisticRegression"], "regression": ["LightGBM", "ElasticNet"],
            "forecasting": ["LightGBM", "ElasticNet"]}


def test_the_registry_declares_each_task_once_with_its_tables():
    assert list(TASKS) == ["classification", "regression", "forecasting"]
    assert set(SMALL_JOBS) == set(TASKS) == set(FACTORIES) == set(JOB_CLASSES)
    for name, task in TASKS.items():
        assert isinstance(task, Task) and task.name == name and get_task(name.upper()) is task
        assert task.default_primary_metric in task.metrics and task.yaml_primary_metric in task.metrics
        assert task.metrics[task.default_primary_metric].primary
        assert len(task.algorithms) > 5 and set(task.ensembles) <= {VOTING, STACK}
        assert JOB_CLASSES[name].task == name
    assert get_task("classification").yaml_primary_metric == "AUC_weighted"  # Azure's YAML default


@pytest.fixture(scope="module", params=list(TASKS))
def finished(request, data_dir):
    name = request.param
    train, test, target, extra = SMALL_JOBS[name](data_dir)
    job = FACTORIES[name](training_data=train, target_column_name=target, test_data=test, name=f"contract_{name}",
                          tracking_uri=False, log_verbosity="warning", **extra)
    job.set_limits(max_trials=6, max_concurrent_trials=2, timeout_minutes=5)
    job.set_training(allowed_training_algorithms=LEARNERS[name])
    return get_task(name), job, job.submit(show_progress=False), (train[target], test[target])


def test_each_task_runs_its_small_job_end_to_end(finished):
    task, job, result, _ = finished
    assert (result.task, result.status, result.primary_metric) == (task.name, "Completed", task.default_primary_metric)
    assert len(result.trials) == 6 and result.best_model is not None
    planned = task.planned_ensembles(job.training, job.limits.max_trials)
    assert [t.algorithm for t in result.trials[-len(planned):]] == planned  # the last trials, in order
    assert {t.algorithm for t in result.trials[:-len(planned)]} <= set(LEARNERS[task.name])
    assert set(result.leaderboard["algorithm"]) >= {t.display_name for t in result.trials}
    assert result.leaderboard.iloc[0]["name"] == result.best_trial.name
    assert result.best_trial.score == result.metrics[result.primary_metric]
    assert set(result.test_metrics) >= set(task.metrics) - {m for m in task.metrics if task.metrics[m].needs_positive_label}
    assert result.explanation is not None and len(result.explanation.raw_importance) > 0
    assert {"setup", "search", "ensembles", "refit", "test", "explanation", "tracking"} <= set(result.timings)
    assert result.validation["n_folds"] >= 1 and result.guardrails and not result.featurization_summary.empty


def test_each_task_beats_a_constant_on_held_out_rows(finished):
    """The returned model beats predicting the training target's most frequent class or mean, clearly."""
    task, _, result, (y_train, y_test) = finished
    metric = task.metric(result.primary_metric)
    if task.predicts_classes:
        classes = np.unique(y_train)
        prior = np.tile((y_train.value_counts(normalize=True).reindex(classes)).to_numpy(), (len(y_test), 1))
        constant = metric.value(y_test.to_numpy(), prior, classes=classes)
    else:
        y = y_test.to_numpy(dtype=float)
        constant = metric.value(y, np.full(len(y), y_train.mean()), y_min=y_train.min(), y_max=y_train.max())
    score = result.test_metrics[result.primary_metric]
    margin = 0.05 if metric.greater_is_better else -0.5 * constant
    assert metrics_is_better(metric, score, constant + margin), (task.name, score, constant)


def metrics_is_better(metric, a, b):
    return a > b if metric.greater_is_better else a < b


class _Recorder(pickle.Unpickler):
    """Unpickles and records the module of every class and function the pickle refers to."""

    def __init__(self, data: bytes):
        super().__init__(io.BytesIO(data))
        self.modules: set[str] = set()

    def find_class(self, module: str, name: str):  # noqa: D102 - records, then resolves as usual
        self.modules.add(module)
        return super().find_class(module, name)


def modules_a_model_needs(model: object) -> set[str]:
    """The modules loading a pickle of ``model`` imports classes or functions from."""
    recorder = _Recorder(pickle.dumps(model))
    recorder.load()
    return recorder.modules


def test_fitted_models_hold_only_model_side_classes(finished):
    task, _, result, _ = finished
    ours = {m for m in modules_a_model_needs(result.best_model) if m.split(".")[0] in ("automl", "featurizers")}
    assert ours, "the model holds none of the model-side classes: the check would pass vacuously"
    outside = sorted(m for m in ours if not m.startswith(MODEL_SIDE))
    assert not outside, f"{task.name}: the saved model refers to the job engine's modules {outside}"


def test_the_check_sees_an_engine_class_inside_a_model():
    from automl.engine.scheduler import StopRules

    assert "automl.engine.scheduler._stopping" in modules_a_model_needs({"model": StopRules})


def test_planned_ensembles_follow_the_task_table():
    every = TrainingSettings()
    for task in TASKS.values():
        assert task.planned_ensembles(every, max_trials=10) == list(task.ensembles)
        assert task.planned_ensembles(every, max_trials=2) == []
        assert automl.__dict__[task.name] is FACTORIES[task.name]
