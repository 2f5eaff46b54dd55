"""The lean selection scorers give the general metrics' values."""
import numpy as np
import pytest

from automl import metrics
from automl.metrics._fast import fast_scorer


def _proba(rng, n, k, ties):
    raw = rng.random((n, k))
    if ties:  # coarse probabilities: many tied scores, as small forests give
        raw = np.round(raw * 4) / 4 + 1e-3
    return raw / raw.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("name", ["AUC_weighted", "AUC_macro", "accuracy"])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("ties", [False, True])
def test_fast_scorer_matches_the_metric(name, n_classes, ties):
    rng = np.random.default_rng(n_classes + 10 * ties)
    classes = np.array(["a", "b", "c"][:n_classes])
    y = rng.choice(classes, size=200)
    proba = _proba(rng, 200, n_classes, ties)
    fast = fast_scorer(metrics.CLASSIFICATION_METRICS[name], y, classes)
    expected = metrics.CLASSIFICATION_METRICS[name].compute(y, proba, classes)
    assert fast(proba) == pytest.approx(expected, abs=1e-12)


def test_a_class_absent_from_the_rows_is_left_out_like_the_metric():
    classes = np.array([0, 1, 2])
    y = np.array([0, 1, 0, 1, 1, 0])
    proba = _proba(np.random.default_rng(0), 6, 3, False)
    fast = fast_scorer(metrics.CLASSIFICATION_METRICS["AUC_weighted"], y, classes)
    expected = metrics.CLASSIFICATION_METRICS["AUC_weighted"].compute(y, proba, classes)
    assert fast(proba) == pytest.approx(expected, abs=1e-12)


def test_no_lean_path_for_weights_other_metrics_or_regression():
    y = np.array([0, 1, 1, 0])
    classification, regression = metrics.CLASSIFICATION_METRICS, metrics.REGRESSION_METRICS
    assert fast_scorer(classification["AUC_weighted"], y, [0, 1], sample_weight=np.ones(4)) is None
    assert fast_scorer(classification["log_loss"], y, [0, 1]) is None
    assert fast_scorer(regression["r2_score"], y.astype(float)) is None
