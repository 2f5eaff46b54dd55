"""The job's memory limit: a trial that would not fit is skipped with the reason, and the job goes on."""
from __future__ import annotations

import pytest

import automl
from automl.algorithms import CLASSIFICATION
from automl.core import CANCELED, COMPLETED, TrialSpec
from automl.engine.scheduler import MemoryBudget
from automl.engine.scheduler._memory_budget import RUN, SKIP, WAIT
from automl.testing import registered_test_algorithm

GIB = 2**30


def _spec(iteration: int, name: str = "DecisionTree") -> TrialSpec:
    return TrialSpec(iteration, f"job_{iteration}", CLASSIFICATION[name], {})


def test_a_trial_that_fits_alone_but_not_beside_the_running_ones_waits():
    needs = {0: 3 * GIB, 1: 3 * GIB, 2: 5 * GIB}
    budget = MemoryBudget(8 * GIB, lambda spec: needs[spec.iteration], held=lambda: 1 * GIB)
    assert budget.admit(_spec(0)) == RUN
    assert budget.admit(_spec(1)) == RUN          # 1 + 3 + 3 <= 8
    assert budget.admit(_spec(2)) == WAIT         # 1 + 6 + 5 > 8, but 1 + 5 <= 8 alone
    budget.ended(0)
    budget.ended(1)
    assert budget.admit(_spec(2)) == RUN


def test_a_trial_that_would_not_fit_even_alone_is_skipped_with_the_reason():
    budget = MemoryBudget(2 * GIB, lambda spec: 3 * GIB, held=lambda: GIB // 2)
    assert budget.admit(_spec(4)) == SKIP
    record = budget.skip(_spec(4))
    assert record.status == CANCELED and record.name == "job_4"
    assert "memory_limit (2.00 GiB)" in record.error and "3.00 GiB" in record.error and "0.50 GiB" in record.error
    assert budget.skipped == [{"Trial": "job_4", "Algorithm": "MaxAbsScaler DecisionTree",
                               "Estimated memory": "3.00 GiB", "Held by the job": "0.50 GiB",
                               "Memory limit": "2.00 GiB"}]


def test_the_job_skips_a_trial_too_big_for_its_memory_limit_and_goes_on(small_classification_frame):
    with registered_test_algorithm("classification", "Enormous", "fine", priority=-1, model_bytes=64 * GIB):
        job = automl.classification(training_data=small_classification_frame, target_column_name="label",
                                    log_verbosity="warning")
        job.set_training(allowed_training_algorithms=["Enormous", "DecisionTree"],
                         enable_vote_ensemble=False, enable_stack_ensemble=False)
        job.set_limits(max_trials=3, max_concurrent_trials=1, memory_limit=4)
        result = job.submit(show_progress=False)
    enormous = [t for t in result.trials if t.algorithm == "Enormous"]
    assert enormous and all(t.status == CANCELED and "memory_limit (4.00 GiB)" in t.error for t in enormous)
    assert any(t.algorithm == "DecisionTree" and t.status == COMPLETED for t in result.trials)
    assert result.status == "Completed" and result.best_trial.algorithm == "DecisionTree"
    memory = next(g for g in result.guardrails if g.name == "Memory issues detection")
    assert memory.status == "Alerted" and {row["Trial"] for row in memory.details} == {t.name for t in enormous}


def test_the_default_limit_is_a_share_of_the_available_memory(small_classification_frame):
    with registered_test_algorithm("classification", "Enormous", "fine", priority=-1, model_bytes=2**50):
        job = automl.classification(training_data=small_classification_frame, target_column_name="label",
                                    log_verbosity="warning")
        job.set_training(allowed_training_algorithms=["Enormous", "DecisionTree"],
                         enable_vote_ensemble=False, enable_stack_ensemble=False)
        job.set_limits(max_trials=2, max_concurrent_trials=1)
        result = job.submit(show_progress=False)
    by_algorithm = {t.algorithm: t for t in result.trials}
    assert by_algorithm["Enormous"].status == CANCELED and "memory_limit" in by_algorithm["Enormous"].error
    assert by_algorithm["DecisionTree"].status == COMPLETED


@pytest.mark.parametrize("value", ["4GB", -1, 0, True, float("inf")])
def test_a_bad_memory_limit_names_the_setting_and_the_fix(value):
    job = automl.classification(training_data="unused.csv", target_column_name="label")
    message = r"memory_limit must be 'auto' or a positive number of gigabytes"
    with pytest.raises(automl.errors.ConfigError, match=message):
        job.set_limits(memory_limit=value)
