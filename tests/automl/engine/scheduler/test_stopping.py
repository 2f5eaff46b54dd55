import time

from automl.core import COMPLETED, FAILED, TrialResult
from automl.engine.scheduler import StopRules
from automl.metrics import CLASSIFICATION_METRICS, REGRESSION_METRICS
from automl.settings import LimitSettings


def _result(i, score, status=COMPLETED):
    return TrialResult(i, f"job_{i}", "LightGBM", "MaxAbsScaler", {}, status, score=score)


def _rules(**limits):
    return StopRules(LimitSettings(**limits), CLASSIFICATION_METRICS["AUC_weighted"])


def test_max_trials_counts_started_trials():
    rules = _rules(max_trials=3)
    for i in range(3):
        assert not rules.should_stop()
        rules.record_start()
    assert rules.should_stop() and "max_trials (3)" in rules.reason
    assert not rules.cancel_running  # the three running trials may finish


def test_timeout_stops_new_trials():
    rules = _rules(timeout_minutes=1)
    rules.started_at = time.monotonic() - 61
    assert rules.should_stop() and "timeout_minutes" in rules.reason and rules.cancel_running


def test_exit_score_reached():
    rules = _rules(exit_score=0.9)
    rules.record(_result(0, 0.85))
    assert not rules.should_stop()
    rules.record(_result(1, 0.91))
    assert rules.should_stop() and "exit_score" in rules.reason and rules.cancel_running


def test_exit_score_for_a_minimised_metric():
    rules = StopRules(LimitSettings(exit_score=0.1), REGRESSION_METRICS["normalized_root_mean_squared_error"])
    rules.record(_result(0, 0.2))
    assert not rules.should_stop()
    rules.record(_result(1, 0.05))
    assert rules.should_stop()


def test_early_termination_waits_for_landmarks_then_patience():
    """Azure: no stop in the first 20 iterations; the 10-iteration window starts at iteration 21,
    so the earliest stop comes after 30 trials."""
    rules = _rules()
    rules.record(_result(0, 0.9))          # the best, never improved afterwards
    stopped_after = None
    for i in range(1, 60):
        if rules.should_stop():
            stopped_after = rules.n_done
            break
        rules.record(_result(i, 0.5))
    assert stopped_after == 30 and "early termination" in rules.reason


def test_late_improvement_moves_the_window():
    rules = _rules()
    for i in range(25):
        rules.record(_result(i, 0.5))
    rules.record(_result(25, 0.9))         # improvement at trial 26
    for i in range(26, 35):
        rules.record(_result(i, 0.5))
        assert not rules.should_stop(), i
    rules.record(_result(35, 0.5))
    assert rules.should_stop() and rules.n_done == 36


def test_improvement_resets_the_window_and_early_termination_can_be_off():
    rules = _rules()
    for i in range(25):
        rules.record(_result(i, 0.5 + i * 0.01))
    assert not rules.should_stop()
    off = _rules(enable_early_termination=False)
    for i in range(60):
        off.record(_result(i, 0.5))
    assert not off.should_stop()


def test_failed_trials_count_but_never_become_best():
    rules = _rules(max_trials=2)
    rules.record(_result(0, float("nan"), FAILED))
    assert rules.best != rules.best  # still NaN
    rules.record(_result(1, 0.7))
    assert rules.best == 0.7 and rules.should_stop()


def _plateau(rules):
    """Record trials that never beat the first until the rules stop or hand over to variants."""
    rules.record(_result(0, 0.9))
    for i in range(1, 60):
        if rules.should_stop() or rules.search_ended:
            return
        rules.record_start()
        rules.record(_result(i, 0.5))


def test_early_termination_with_time_left_hands_over_to_the_variants_then_says_so():
    rules = _rules(max_trials=100)
    rules.variant_trials = 3
    _plateau(rules)
    assert rules.search_ended.startswith("early termination") and not rules.should_stop()
    for _ in range(3):
        assert not rules.should_stop()
        rules.record_start()
    assert rules.should_stop()
    assert rules.reason == f"{rules.search_ended}; then 3 seed variants of the best configurations"
    assert not rules.cancel_running


def test_a_limit_reached_during_the_variants_follows_why_the_search_ended():
    rules = _rules(max_trials=33)
    rules.variant_trials = 9
    _plateau(rules)  # 29 trials started when the search ends
    while not rules.should_stop():
        rules.record_start()
    assert rules.reason.startswith("early termination: no improvement")
    assert rules.reason.endswith("then 4 seed variant(s) of the best configurations, until max_trials (33) reached")
