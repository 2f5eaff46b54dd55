"""The scheduler's promises: limits, failure isolation, exact counts, seeds, cancellation."""
import threading
import time

import pytest

import automl
from automl.testing import registered_test_algorithm, trial_processes
from tests.automl.conftest import tree_then_sleeper
from automl.core import CANCELED, COMPLETED, FAILED

pytestmark = pytest.mark.timing  # wall time against a limit: make test runs it alone


def test_misbehaving_trials_are_isolated(small_classification_frame):
    with registered_test_algorithm("classification", "Sleeper", "sleep", priority=-3), \
            registered_test_algorithm("classification", "Exiter", "exit", priority=-2), \
            registered_test_algorithm("classification", "MemoryHog", "memory", priority=-1):
        job = automl.classification(training_data=small_classification_frame,
                                    target_column_name="label", log_verbosity="warning")
        job.set_training(allowed_training_algorithms=["Sleeper", "Exiter", "MemoryHog", "DecisionTree"],
                         enable_vote_ensemble=False, enable_stack_ensemble=False)
        job.set_limits(max_trials=4, max_concurrent_trials=2, trial_timeout_minutes=0.1)
        result = job.submit()
    by_algorithm = {t.algorithm: t for t in result.trials}
    sleeper = by_algorithm["Sleeper"]
    assert sleeper.status == CANCELED and "trial_timeout_minutes (0.1)" in sleeper.error
    assert sleeper.duration_seconds <= 6 + 15
    assert trial_processes() == []  # the sleeper's process was stopped, not left running
    assert by_algorithm["Exiter"].status == FAILED
    assert "exited with code 1" in by_algorithm["Exiter"].error
    assert by_algorithm["MemoryHog"].status == FAILED and "MemoryError" in by_algorithm["MemoryHog"].error
    assert by_algorithm["DecisionTree"].status == COMPLETED
    assert result.status == "Completed" and result.best_trial.algorithm == "DecisionTree"


def test_max_trials_is_exact_with_parallel_trials(small_regression_frame):
    job = automl.regression(training_data=small_regression_frame, target_column_name="y",
                            log_verbosity="warning")
    job.set_limits(max_trials=7, max_concurrent_trials=2)
    result = job.submit()
    assert len(result.trials) == 7 and [t.iteration for t in result.trials] == list(range(7))
    assert len({t.name for t in result.trials}) == 7


def test_early_termination_stops_a_plateau(separable_frame):
    job = automl.classification(training_data=separable_frame, target_column_name="label", n_cross_validations=3,
                                primary_metric="AUC_weighted", log_verbosity="warning")
    job.set_training(allowed_training_algorithms=["DecisionTree"])
    job.set_limits(max_trials=60, max_concurrent_trials=1)
    result = job.submit()
    assert result.best_trial.score == 1.0
    searched = [t for t in result.trials if t.ensemble is None]
    assert len(searched) == 30 and "early termination" in result.stop_reason
    assert result.stop_reason.endswith("none can come: the best validation score is perfect (1)")


def test_time_left_after_early_termination_goes_to_seed_variants(separable_frame):
    """The search ends by Azure's rule; then variants of the best configurations that can vary
    (the forest's, not the deterministic tree's), and the stop reason says both."""
    from automl.engine.search import VARIANT_TRIALS

    noisy = separable_frame.copy()
    flipped = noisy.index % 7 == 0  # no model is perfect: variants may still improve
    noisy.loc[flipped, "label"] = noisy.loc[flipped, "label"].map({"a": "b", "b": "a"})
    job = automl.classification(training_data=noisy, target_column_name="label", n_cross_validations=3,
                                primary_metric="AUC_weighted", log_verbosity="warning")  # 3 folds: 3x faster trials
    job.set_training(allowed_training_algorithms=["DecisionTree", "RandomForest"], enable_vote_ensemble=False,
                     enable_stack_ensemble=False)
    job.set_limits(max_trials=200, max_concurrent_trials=1)
    result = job.submit()
    assert result.stop_reason == ("early termination: no improvement of AUC_weighted in the last 10 trials; "
                                  f"then {VARIANT_TRIALS} seed variants of the best configurations")
    search, variants = result.trials[:-VARIANT_TRIALS], result.trials[-VARIANT_TRIALS:]
    scores = [t.score for t in search]
    assert len(search) - 1 - scores.index(max(scores)) == 10  # the search ended by the rule, no later
    assert {t.algorithm for t in variants} == {"RandomForest"}
    assert all(t.params.get("random_state", 0) == 0 for t in search)  # the search's forests used seed 0
    assert all(t.params["random_state"] >= 1 for t in variants)
    assert len({tuple(sorted(t.params.items())) for t in variants}) == VARIANT_TRIALS


def test_seeded_sequential_runs_repeat_their_configurations(small_regression_frame):
    def configurations():
        job = automl.regression(training_data=small_regression_frame, target_column_name="y",
                                log_verbosity="warning", seed=7)
        job.set_training(allowed_training_algorithms=["LightGBM", "ElasticNet"])
        job.set_limits(max_trials=8, max_concurrent_trials=1)
        return [(t.algorithm, t.params) for t in job.submit().trials]

    first, second = configurations(), configurations()
    assert first == second
    assert len({(a, str(p)) for a, p in first}) == 8  # the search moved on from the defaults
    assert [a for a, _ in first[-2:]] == ["VotingEnsemble", "StackEnsemble"]


def test_cancel_from_another_thread_keeps_finished_trials(small_classification_frame):
    with tree_then_sleeper(small_classification_frame) as job:
        run = job.submit(wait=False)
        deadline = time.monotonic() + 60
        while not run.finished_trials and time.monotonic() < deadline:  # the DecisionTree comes first
            time.sleep(0.2)
        time.sleep(1.0)  # the Sleeper is running now
        run.cancel()
        result = run.result(timeout=60)
    assert result.status == "Canceled" and "canceled" in result.stop_reason
    statuses = {t.algorithm: t.status for t in result.trials}
    assert statuses == {"DecisionTree": COMPLETED, "Sleeper": CANCELED}
    assert result.best_model is not None


@pytest.mark.parametrize("limits,match", [
    ({"max_trials": 2, "max_concurrent_trials": 3}, "max_concurrent_trials"),
    ({"trial_timeout_minutes": 0}, "trial_timeout_minutes"),
])
def test_bad_limits(limits, match):
    job = automl.classification(training_data="a.csv", target_column_name="y")
    with pytest.raises(automl.errors.ConfigError, match=match):
        job.set_limits(**limits)


def test_trial_timeout_above_the_job_timeout_warns():
    job = automl.classification(training_data="a.csv", target_column_name="y")
    with pytest.warns(UserWarning, match=r"trial_timeout_minutes \(20\) is above timeout_minutes \(5\)"):
        job.set_limits(timeout_minutes=5, trial_timeout_minutes=20)


def test_boosting_starts_the_adaptive_phase_with_few_rounds():
    from automl.algorithms import REGRESSION
    from automl.core import TrialResult
    from automl.engine.search import AdaptiveProposer
    from automl.metrics import REGRESSION_METRICS

    lightgbm = REGRESSION["LightGBM"]
    proposer = AdaptiveProposer([lightgbm], REGRESSION_METRICS["r2_score"])
    default = proposer.propose(0, "job_0")
    assert default.params == {}
    proposer.observe(TrialResult(0, "job_0", "LightGBM", "MaxAbsScaler", {}, COMPLETED, score=0.8))
    first_adaptive = proposer.propose(1, "job_1")
    assert first_adaptive.params["n_estimators"] == 25  # a quarter of the default 100 rounds


def test_job_cancel_from_another_thread_stops_a_waiting_submit(small_classification_frame):
    """``job.cancel()`` while ``job.submit()`` (waiting) runs in this thread."""
    with tree_then_sleeper(small_classification_frame) as job:
        canceller = threading.Timer(12.0, job.cancel)  # the DecisionTree is done, the Sleeper sleeps
        canceller.start()
        started = time.monotonic()
        result = job.submit(show_progress=False)
        canceller.join()
    assert result.status == "Canceled" and time.monotonic() - started < 12.0 + 30
    statuses = {t.algorithm: t.status for t in result.trials}
    assert statuses == {"DecisionTree": COMPLETED, "Sleeper": CANCELED}
    assert result.best_trial.algorithm == "DecisionTree" and result.best_model is not None
